/**
 * Stack per tenant through the REAL dynamic-provider host (LocalStack) against one Graph emulator
 * serving two tenants: one program (an AppProvisioning component), two stack config files holding
 * each tenant's connection and credentials as secure values. Each stack's Graph traffic goes to its
 * own tenant only; a template change in one stack replaces that stack's resources and leaves the
 * other tenant alone; a credential rotation through the component is previewed as two in-place
 * updates and restarts the job; a rename through the component is previewed and applied as one
 * update; destroy empties both tenants; no secret in plain text in either state file or the output.
 * Needs the built package (dist/): serialized providers require "pulumi-graph-provisioning/runtime".
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AppProvisioning } from "../../provider";
import { AWS_TEMPLATE_ID, startEmulator, type EmulatorHandle, type RequestLogEntry } from "../../emulator";
import { LocalStack, formatRunResult, type RunResult } from "../../testing/programRunner";
import { writeStackConfig, type ConfigInput } from "../../testing/stackConfig";
import { emulatorStackConfig } from "../helpers/emulator";

const PROJECT = "per-tenant-test";
const PASSPHRASE = "per-tenant-test-passphrase";
/** Slack's gallery entry in the emulator's catalog (synchronization template `slack`, SecretToken only). */
const SLACK_TEMPLATE_ID = "9c1e7b5a-4d2f-4e8a-b6c3-1a0d5f7e2b83";

interface Tenant {
  stack: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
  awsClientSecret: string;
  awsSecretToken: string;
}

const TENANTS: Tenant[] = [
  {
    stack: "contoso",
    tenantId: "0c7a1f52-3b9e-4d61-8a2f-6e5d4c3b2a10",
    clientId: "1d8b2a63-4c0f-4e72-9b3a-7f6e5d4c3b21",
    clientSecret: "contoso-client-secret-Vb6Nq2Ls8Kd4",
    displayName: "AWS Contoso",
    awsClientSecret: "contoso-aws-cs-3Rt7Yp1Qw5",
    awsSecretToken: "contoso-aws-st-8Ju2Ik6Ol0",
  },
  {
    stack: "fabrikam",
    tenantId: "2e9c3b74-5d1a-4f83-8c4b-9a7f6e5d4c32",
    clientId: "3f0d4c85-6e2b-4a94-9d5c-0b8a7f6e5d43",
    clientSecret: "fabrikam-client-secret-Mh3Gt9Ze1Xc7",
    displayName: "AWS Fabrikam",
    awsClientSecret: "fabrikam-aws-cs-4Ed8Rf2Tg6",
    awsSecretToken: "fabrikam-aws-st-9Yh3Uj7Ik1",
  },
];
const ROTATED_TOKEN = "contoso-aws-st-rotated-5Pl9Ok3Ij7";
const SLACK_TOKEN = "fabrikam-slack-token-6Bv0Nm4Cx8";

/**
 * The one program every stack runs: an AWS app by default; config `templateId` / `jobTemplateId`
 * switch to another gallery app, whose connector needs only a SecretToken.
 */
function program() {
  const cfg = new pulumi.Config();
  const jobTemplateId = cfg.get("jobTemplateId") ?? "aws";
  const token = cfg.requireSecret("secretToken");
  const app = new AppProvisioning("app", {
    displayName: cfg.require("displayName"),
    templateId: cfg.get("templateId") ?? AWS_TEMPLATE_ID,
    jobTemplateId,
    credentials:
      jobTemplateId === "aws"
        ? { ClientSecret: cfg.requireSecret("clientSecret"), SecretToken: token }
        : { SecretToken: token },
  });
  return {
    tenantId: new pulumi.Config("graphProvisioning").require("tenantId"),
    servicePrincipalId: app.servicePrincipalId,
    jobId: app.jobId,
  };
}

const shortType = (type: string) => type.split(":").pop();
const customOps = (r: RunResult) =>
  Object.fromEntries(r.steps.filter((s) => s.custom).map((s) => [shortType(s.type), s.op]));
const tenantsIn = (log: RequestLogEntry[]) => [...new Set(log.map((e) => e.tenantId))];

describe("stack per tenant: one program, two stacks, two emulator tenants @engine @emulator", function () {
  this.timeout(120_000);
  let emulator: EmulatorHandle;
  let dir: string;
  let output = "";
  const stateTexts: string[] = [];

  const configFile = (t: Tenant) => path.join(dir, `Pulumi.${t.stack}.yaml`);
  const stateFile = (t: Tenant) => path.join(dir, `${t.stack}.json`);
  /** Writes a tenant's stack file as `pulumi config set [--secret]` would. */
  const writeConfig = (t: Tenant, extra: Record<string, ConfigInput> = {}) =>
    writeStackConfig(
      configFile(t),
      {
        ...emulatorStackConfig(emulator, {
          tenantId: t.tenantId,
          clientId: t.clientId,
          clientSecret: t.clientSecret,
        }),
        [`${PROJECT}:displayName`]: t.displayName,
        [`${PROJECT}:clientSecret`]: { secure: t.awsClientSecret },
        [`${PROJECT}:secretToken`]: { secure: t.awsSecretToken },
        ...extra,
      },
      { passphrase: PASSPHRASE },
    );
  const stack = (t: Tenant) =>
    new LocalStack({
      stack: t.stack,
      projectName: PROJECT,
      projectDir: path.resolve(__dirname, "..", ".."),
      stackConfigFile: configFile(t),
      stateFile: stateFile(t),
      passphrase: PASSPHRASE,
      program,
    });
  /** Runs one operation; returns the result and the emulator requests it made. */
  const run = async (t: Tenant, op: "preview" | "up" | "destroy") => {
    emulator.clearRequestLog();
    const r = await stack(t)[op]();
    output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
    if (fs.existsSync(stateFile(t))) stateTexts.push(fs.readFileSync(stateFile(t), "utf8"));
    expect(r.errors, formatRunResult(r)).to.deep.equal([]);
    return { r, log: emulator.requestLog() };
  };
  const activeApps = (t: Tenant) => emulator.state(t.tenantId).applications.filter((a) => !a.deletedDateTime);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-per-tenant-"));
    const [first, ...others] = TENANTS;
    emulator = await startEmulator({
      tenantId: first.tenantId,
      clientId: first.clientId,
      clientSecret: first.clientSecret,
    });
    for (const t of others) {
      emulator.addTenant({ tenantId: t.tenantId, clientId: t.clientId, clientSecret: t.clientSecret });
    }
    for (const t of TENANTS) await writeConfig(t);
  });
  after(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should deploy each stack into its own tenant, with its own credentials", async () => {
    for (const t of TENANTS) {
      const { r, log } = await run(t, "up");
      expect(Object.values(customOps(r))).to.deep.equal(["create", "create", "create", "create"]);
      expect(r.outputs.tenantId).to.equal(t.tenantId);
      // Every token and Graph request of this stack was for its own tenant, by its own client.
      expect(log.length).to.be.greaterThan(0);
      expect(tenantsIn(log)).to.deep.equal([t.tenantId]);
      const clients = log.filter((e) => e.clientId !== undefined).map((e) => e.clientId);
      expect([...new Set(clients)]).to.deep.equal([t.clientId]);
    }
    for (const t of TENANTS) {
      expect(activeApps(t).map((a) => a.displayName)).to.deep.equal([t.displayName]);
      expect(emulator.state(t.tenantId).jobs).to.have.length(1);
    }
    const spIds = TENANTS.map((t) => emulator.state(t.tenantId).servicePrincipals.map((s) => s.id));
    expect(spIds[0]).to.not.include.members(spIds[1]);
  });

  it("should plan a replace of one stack's app on a template change, and replace only in that tenant", async () => {
    const [contoso, fabrikam] = TENANTS;
    const contosoBefore = JSON.stringify(emulator.state(contoso.tenantId).applications);
    const oldAppId = activeApps(fabrikam)[0].id;
    await writeConfig(fabrikam, {
      [`${PROJECT}:templateId`]: SLACK_TEMPLATE_ID,
      [`${PROJECT}:jobTemplateId`]: "slack",
      [`${PROJECT}:secretToken`]: { secure: SLACK_TOKEN },
    });

    const plan = await run(fabrikam, "preview");
    const app = plan.r.steps.find((s) => shortType(s.type) === "GalleryApp");
    expect(app?.op).to.equal("replace");
    expect(app?.replaces).to.include("templateId");
    expect(customOps(plan.r)).to.deep.equal({
      GalleryApp: "replace",
      ProvisioningJob: "replace",
      ProvisioningSecrets: "replace",
      JobStart: "replace",
    });
    expect(plan.log.filter((e) => e.kind === "graph" && e.method !== "GET")).to.deep.equal([]);

    const up = await run(fabrikam, "up");
    expect(up.r.counts).to.include({ replace: 4, create: 0, delete: 0 });
    expect(tenantsIn(up.log)).to.deep.equal([fabrikam.tenantId]);
    const apps = activeApps(fabrikam);
    expect(apps).to.have.length(1);
    expect(apps[0].id).to.not.equal(oldAppId);
    expect(apps[0].applicationTemplateId).to.equal(SLACK_TEMPLATE_ID);
    expect(emulator.state(fabrikam.tenantId).jobs.map((j) => j.templateId)).to.deep.equal(["slack"]);
    expect(JSON.stringify(emulator.state(contoso.tenantId).applications)).to.equal(contosoBefore);
  });

  it("should preview a credential rotation through the component as two updates and no replace", async () => {
    const [contoso] = TENANTS;
    await writeConfig(contoso, { [`${PROJECT}:secretToken`]: { secure: ROTATED_TOKEN } });
    const { r, log } = await run(contoso, "preview");
    expect(customOps(r)).to.deep.equal({
      GalleryApp: "same",
      ProvisioningJob: "same",
      ProvisioningSecrets: "update",
      JobStart: "update",
    });
    expect(r.counts).to.include({ update: 2, replace: 0, create: 0, delete: 0 });
    expect(log.filter((e) => e.kind === "graph")).to.deep.equal([]);
    // Nothing saved yet: the job still runs with the first token.
    expect(emulator.state(contoso.tenantId).jobs[0].schedule?.state).to.equal("Active");
  });

  it("should save rotated credentials and restart the job through the component's triggers", async () => {
    const [contoso] = TENANTS;
    const { r, log } = await run(contoso, "up");
    expect(customOps(r)).to.deep.equal({
      GalleryApp: "same",
      ProvisioningJob: "same",
      ProvisioningSecrets: "update",
      JobStart: "update",
    });
    const calls = log.filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path.split("/").pop()}`);
    expect(calls).to.include.members(["PUT secrets", "POST restart"]);
    expect(tenantsIn(log)).to.deep.equal([contoso.tenantId]);
  });

  it("should preview and apply a rename through the component as one update of the app", async () => {
    const [contoso] = TENANTS;
    await writeConfig(contoso, {
      [`${PROJECT}:secretToken`]: { secure: ROTATED_TOKEN },
      [`${PROJECT}:displayName`]: "AWS Contoso Renamed",
    });
    const expected = {
      GalleryApp: "update",
      ProvisioningJob: "same",
      ProvisioningSecrets: "same",
      JobStart: "same",
    };
    const plan = await run(contoso, "preview");
    expect(customOps(plan.r)).to.deep.equal(expected);
    expect(plan.r.counts).to.include({ update: 1, replace: 0, create: 0, delete: 0 });
    const spId = emulator.state(contoso.tenantId).servicePrincipals.find((p) => !p.deletedDateTime)?.id;
    // Derived from the app's id, the component's ids stay known in the preview.
    expect(plan.r.outputs.servicePrincipalId).to.equal(spId);
    expect(plan.log.filter((e) => e.kind === "graph")).to.deep.equal([]);

    const up = await run(contoso, "up");
    expect(customOps(up.r)).to.deep.equal(expected);
    expect(up.r.counts).to.include({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(activeApps(contoso).map((a) => a.displayName)).to.deep.equal(["AWS Contoso Renamed"]);
  });

  it("should leave neither tenant with an active application, service principal, job or secret after destroy", async () => {
    for (const t of TENANTS) {
      const { r, log } = await run(t, "destroy");
      expect(r.counts.delete).to.equal(r.steps.length);
      expect(tenantsIn(log)).to.deep.equal([t.tenantId]);
    }
    for (const t of TENANTS) {
      const s = emulator.state(t.tenantId);
      expect(activeApps(t)).to.deep.equal([]);
      expect(s.servicePrincipals.filter((p) => !p.deletedDateTime)).to.deep.equal([]);
      expect(s.jobs).to.deep.equal([]);
      expect(s.secrets.filter((x) => x.value !== "")).to.deep.equal([]);
    }
  });

  it("should keep both tenants' secrets out of the state files and the output", () => {
    const values = [
      ...TENANTS.flatMap((t) => [t.clientSecret, t.awsClientSecret, t.awsSecretToken]),
      ROTATED_TOKEN,
      SLACK_TOKEN,
    ];
    expect(stateTexts.join("\n")).to.include('"ciphertext": "v1:');
    for (const secret of values) {
      stateTexts.forEach((text, i) => expect(text, `state file #${i + 1}`).to.not.include(secret));
      expect(output, "run output").to.not.include(secret);
    }
  });
});
