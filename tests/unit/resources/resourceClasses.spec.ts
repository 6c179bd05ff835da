import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import {
  AppProvisioning,
  GalleryApp,
  JobStart,
  ProvisioningJob,
  ProvisioningSecrets,
} from "../../../provider/index";
import { providerShim, type ResourceKind } from "../../../provider/resources/providerShim";
import { APP_CLIENT_ID, APP_ID, GALLERY_APP_ID, SP_ID, TEMPLATE_ID } from "./resourceFakes";

/** Pulumi's wire marker of a secret input (engine-notes.md). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const CLIENT_SECRET = "conn-client-SECRET-value";
const TOKEN = "scim-token-SECRET-value";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registrations: Registration[] = [];

function isSecretWire(value: unknown): boolean {
  return typeof value === "object" && value !== null && SECRET_SIG in (value as Record<string, unknown>);
}

function unwrap(value: unknown): unknown {
  return isSecretWire(value) ? (value as { value: unknown }).value : value;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Whether an output's value is known (the SDK's runtime `isKnown`, which its typings leave out). */
function isKnown(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isKnown: Promise<boolean> }).isKnown;
}

/** The id the mock provider gives: the resources' id shapes (GalleryApp composite, job id = jobId). */
function mockId(type: string, name: string, jobId: unknown): string {
  if (type.endsWith(":GalleryApp")) return name === "odd-id" ? "not-a-composite-id" : GALLERY_APP_ID;
  if (type.endsWith(":ProvisioningJob")) return String(jobId);
  return `${name}-id`;
}

describe("resource classes and provider shims", () => {
  before(() => {
    pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
          const plain: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(args.inputs)) plain[k] = unwrap(v);
          // Play the provider: echo inputs plus made-up outputs.
          const jobId = plain.jobId ?? "aws.job";
          return {
            id: mockId(args.type, args.name, jobId),
            state: {
              ...plain,
              servicePrincipalId: plain.servicePrincipalId ?? "sp-1",
              appId: "mocked-app-id",
              jobId,
              keys: ["SecretToken"],
              statusCode: "Active",
              scheduleState: "Active",
              quarantine: null,
            },
          };
        },
        call: () => ({}),
      },
      "graph-provisioning-quickstart",
      "unit",
      false,
    );
  });

  for (const kind of [
    "GalleryApp",
    "ProvisioningJob",
    "ProvisioningSecrets",
    "JobStart",
    "ProvisioningSchema",
  ] as ResourceKind[]) {
    it(`should serialize the ${kind} shim to at most 2500 characters holding no module, client or secret`, async () => {
      const shim = providerShim(kind);
      const { text } = await pulumi.runtime.serializeFunction(() => shim);
      expect(text.length).to.be.at.most(2500);
      expect(text).to.contain('require("pulumi-graph-provisioning/runtime")').and.contain(`kind: "${kind}"`);
      for (const banned of [
        "axios",
        "@azure",
        "graphClient",
        "GraphClient",
        "clientSecret",
        CLIENT_SECRET,
        TOKEN,
      ]) {
        expect(text).not.to.contain(banned);
      }
    });
  }

  it("should reuse one shim object per kind so Pulumi serializes it once", () => {
    expect(providerShim("JobStart")).to.equal(providerShim("JobStart"));
    expect(providerShim("JobStart")).not.to.equal(providerShim("GalleryApp"));
  });

  it("should register the dynamic type tokens and list every output name", async () => {
    registrations.length = 0;
    const app = new GalleryApp("app", { displayName: "AWS Contoso", templateId: TEMPLATE_ID });
    const job = new ProvisioningJob("job", { servicePrincipalId: app.servicePrincipalId, templateId: "aws" });
    const start = new JobStart("start", { servicePrincipalId: app.servicePrincipalId, jobId: job.jobId });
    await valueOf(start.statusCode);
    const byName = new Map(registrations.map((r) => [r.name, r]));
    expect(byName.get("app")?.type).to.equal("pulumi-nodejs:dynamic/graphProvisioning:GalleryApp");
    expect(byName.get("job")?.type).to.equal("pulumi-nodejs:dynamic/graphProvisioning:ProvisioningJob");
    expect(byName.get("start")?.type).to.equal("pulumi-nodejs:dynamic/graphProvisioning:JobStart");
    const provider = unwrap(byName.get("app")?.inputs.__provider) as string;
    expect(provider).to.be.a("string").and.contain("pulumi-graph-provisioning/runtime");
    expect(await valueOf(job.jobId)).to.equal("aws.job");
  });

  it("should derive GalleryApp's object ids from its resource id", async () => {
    const app = new GalleryApp("app", { displayName: "AWS Contoso", templateId: TEMPLATE_ID });
    expect(await valueOf(app.id)).to.equal(GALLERY_APP_ID);
    // The mock's outputs say sp-1 and mocked-app-id: the values come from the id instead.
    expect(await valueOf(app.applicationObjectId)).to.equal(APP_ID);
    expect(await valueOf(app.servicePrincipalId)).to.equal(SP_ID);
    expect(await valueOf(app.appId)).to.equal(APP_CLIENT_ID);
    const job = new ProvisioningJob("job", { servicePrincipalId: app.servicePrincipalId, templateId: "aws" });
    const reg = await valueOf(job.urn).then(() => registrations.find((r) => r.name === "job"));
    expect(reg?.inputs.servicePrincipalId).to.equal(SP_ID);
  });

  it("should fall back to the provider's outputs when a mock gives a GalleryApp id of another shape", async () => {
    const app = new GalleryApp("odd-id", { displayName: "AWS Contoso", templateId: TEMPLATE_ID });
    expect(await valueOf(app.id)).to.equal("not-a-composite-id");
    expect(await valueOf(app.servicePrincipalId)).to.equal("sp-1");
    expect(await valueOf(app.appId)).to.equal("mocked-app-id");
  });

  it("should mark a connection with a clientSecret secret, and leave one without it plain", async () => {
    registrations.length = 0;
    const withSecret = new GalleryApp("with-secret", {
      displayName: "a",
      templateId: TEMPLATE_ID,
      connection: { tenantId: "contoso.onmicrosoft.com", clientId: TEMPLATE_ID, clientSecret: CLIENT_SECRET },
    });
    const plain = new GalleryApp("plain", {
      displayName: "b",
      templateId: TEMPLATE_ID,
      connection: { apiVersion: "beta" },
    });
    await Promise.all([valueOf(withSecret.appId), valueOf(plain.appId)]);
    const byName = new Map(registrations.map((r) => [r.name, r]));
    expect(isSecretWire(byName.get("with-secret")?.inputs.connection)).to.equal(true);
    expect(isSecretWire(byName.get("plain")?.inputs.connection)).to.equal(false);
    expect(isSecretWire(byName.get("with-secret")?.inputs.__provider)).to.equal(false);
    expect(JSON.stringify(byName.get("with-secret")?.inputs.__provider)).not.to.contain(CLIENT_SECRET);
  });

  it("should always send ProvisioningSecrets.credentials as a secret", async () => {
    registrations.length = 0;
    const secrets = new ProvisioningSecrets("secrets", {
      servicePrincipalId: "sp-1",
      credentials: { SecretToken: TOKEN },
      jobId: "aws.job",
    });
    await valueOf(secrets.keys);
    const reg = registrations.find((r) => r.name === "secrets")!;
    expect(isSecretWire(reg.inputs.credentials)).to.equal(true);
  });

  it("should wire AppProvisioning's children with parents, dependencies and secret triggers", async () => {
    registrations.length = 0;
    const flow = new AppProvisioning("aws", {
      displayName: "AWS Contoso",
      templateId: TEMPLATE_ID,
      jobTemplateId: "aws",
      credentials: { SecretToken: TOKEN },
    });
    expect(await valueOf(flow.statusCode)).to.equal("Active");
    expect(await valueOf(flow.jobId)).to.equal("aws.job");
    const types = registrations.map((r) => `${r.name}=${r.type}`);
    expect(types).to.include.members([
      "aws=graphProvisioning:index:AppProvisioning",
      "aws-app=pulumi-nodejs:dynamic/graphProvisioning:GalleryApp",
      "aws-job=pulumi-nodejs:dynamic/graphProvisioning:ProvisioningJob",
      "aws-secrets=pulumi-nodejs:dynamic/graphProvisioning:ProvisioningSecrets",
      "aws-start=pulumi-nodejs:dynamic/graphProvisioning:JobStart",
    ]);
    const start = registrations.find((r) => r.name === "aws-start")!;
    expect(isSecretWire(start.inputs.triggers)).to.equal(true);
    expect(unwrap(start.inputs.triggers)).to.deep.equal([{ SecretToken: TOKEN }]);
    const secrets = registrations.find((r) => r.name === "aws-secrets")!;
    expect(secrets.inputs.jobId).to.equal("aws.job");
    for (const child of [flow.app, flow.job, flow.secrets, flow.jobStart!]) {
      expect(await valueOf(child.urn)).to.contain(
        "graphProvisioning:index:AppProvisioning$pulumi-nodejs:dynamic/",
      );
    }
  });

  it("should add a ProvisioningSchema child when schema is given, with the job's ids", async () => {
    registrations.length = 0;
    const objectMappings = [
      {
        sourceObjectName: "User",
        attributeMappings: { title: "[jobTitle]" },
        scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
      },
    ];
    const flow = new AppProvisioning("mapped", {
      displayName: "SCIM Contoso",
      templateId: TEMPLATE_ID,
      jobTemplateId: "scim",
      credentials: { SecretToken: TOKEN },
      schema: { objectMappings, onDelete: "keep" },
    });
    await valueOf(flow.statusCode);
    await valueOf(flow.schema!.urn);
    const reg = registrations.find((r) => r.name === "mapped-schema")!;
    expect(reg.type).to.equal("pulumi-nodejs:dynamic/graphProvisioning:ProvisioningSchema");
    expect(reg.inputs).to.deep.include({ jobId: "aws.job", objectMappings, onDelete: "keep" });
    expect(reg.inputs.servicePrincipalId).to.equal(SP_ID);
    expect(await valueOf(flow.schema!.urn)).to.contain("graphProvisioning:index:AppProvisioning$");
  });

  it("should pass adoptExisting to the app and the job only", async () => {
    registrations.length = 0;
    const flow = new AppProvisioning("adopt", {
      displayName: "AWS Legacy",
      templateId: TEMPLATE_ID,
      jobTemplateId: "aws",
      credentials: { SecretToken: TOKEN },
      adoptExisting: true,
    });
    await valueOf(flow.statusCode);
    const adopting = registrations.filter((r) => r.inputs.adoptExisting === true).map((r) => r.name);
    expect(adopting.sort()).to.deep.equal(["adopt-app", "adopt-job"]);
  });

  it("should leave out JobStart when start is false and report the job's status", async () => {
    registrations.length = 0;
    const flow = new AppProvisioning("nostart", {
      displayName: "AWS Contoso",
      templateId: TEMPLATE_ID,
      credentials: { SecretToken: TOKEN },
      start: false,
    });
    await valueOf(flow.statusCode);
    expect(registrations.map((r) => r.name)).not.to.include("nostart-start");
    expect(flow.jobStart).to.equal(undefined);
  });
});

describe("resource classes in a preview where only the id is known (an update step)", () => {
  before(() => {
    pulumi.runtime.setMocks(
      {
        // What the engine answers for an update in a preview: the old id, and outputs holding the
        // new inputs only, so every computed output is unknown.
        newResource: (args) => {
          const id = args.type.endsWith(":GalleryApp") ? GALLERY_APP_ID : "aws.job-of-the-old-state";
          const inputs = Object.fromEntries(Object.entries(args.inputs).map(([k, v]) => [k, unwrap(v)]));
          return { id, state: inputs };
        },
        call: () => ({}),
      },
      "graph-provisioning-quickstart",
      "unit",
      true,
    );
  });
  // Leave the SDK as the suite above left it (mocks, not a preview) for spec files that follow.
  after(() =>
    pulumi.runtime.setMocks(
      { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
      "graph-provisioning-quickstart",
      "unit",
      false,
    ),
  );

  it("should keep GalleryApp's ids and ProvisioningJob's jobId known, and other computed outputs unknown", async () => {
    const app = new GalleryApp("app", { displayName: "AWS Fabrikam", templateId: TEMPLATE_ID });
    const job = new ProvisioningJob("job", { servicePrincipalId: app.servicePrincipalId, templateId: "aws" });
    for (const known of [app.applicationObjectId, app.servicePrincipalId, app.appId, job.jobId]) {
      expect(await isKnown(known)).to.equal(true);
    }
    expect(await valueOf(app.servicePrincipalId)).to.equal(SP_ID);
    expect(await valueOf(job.jobId)).to.equal("aws.job-of-the-old-state");
    expect(await isKnown(job.statusCode)).to.equal(false);
    expect(await isKnown(job.scheduleState)).to.equal(false);
  });
});
