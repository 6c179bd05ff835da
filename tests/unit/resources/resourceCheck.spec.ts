import { expect } from "chai";
import { createGalleryAppProvider } from "../../../provider/resources/galleryAppProvider";
import { createJobStartProvider } from "../../../provider/resources/jobStartProvider";
import { createProvisioningJobProvider } from "../../../provider/resources/provisioningJobProvider";
import { createProvisioningSecretsProvider } from "../../../provider/resources/provisioningSecretsProvider";
import { UNKNOWN_VALUE } from "../../../provider/resources/validation";
import { APP_ID, callSequence, fakeDeps, JOB_ID, SP_ID, stubGraph, TEMPLATE_ID } from "./resourceFakes";

const graph = stubGraph();
const deps = fakeDeps(graph);
const providers = {
  GalleryApp: createGalleryAppProvider(deps),
  ProvisioningJob: createProvisioningJobProvider(deps),
  ProvisioningSecrets: createProvisioningSecretsProvider(deps),
  JobStart: createJobStartProvider(deps),
};
type Kind = keyof typeof providers;

const good: Record<Kind, Record<string, unknown>> = {
  GalleryApp: { displayName: "AWS Contoso", templateId: TEMPLATE_ID },
  ProvisioningJob: { servicePrincipalId: SP_ID, templateId: "aws" },
  ProvisioningSecrets: {
    servicePrincipalId: SP_ID,
    credentials: { ClientSecret: "s3cr3t-value", SecretToken: "t0ken-value" },
    jobId: JOB_ID,
  },
  JobStart: { servicePrincipalId: SP_ID, jobId: JOB_ID },
};

/** [resource, change to the good inputs (undefined deletes), failing property, text the reason must contain]. */
const badCases: [Kind, Record<string, unknown>, string, string][] = [
  ["GalleryApp", { displayName: undefined }, "displayName", "displayName is required"],
  ["GalleryApp", { displayName: "" }, "displayName", "1 to 256 characters"],
  ["GalleryApp", { displayName: "x".repeat(257) }, "displayName", "got 257"],
  ["GalleryApp", { displayName: 42 }, "displayName", "must be a string"],
  ["GalleryApp", { templateId: "aws" }, "templateId", "must be a GUID"],
  ["GalleryApp", { templateId: "8b1025e4-1dd2-430b-a150-2ef79cd700f" }, "templateId", "must be a GUID"],
  [
    "GalleryApp",
    { templateId: undefined },
    "templateId",
    "one of templateId or templateDisplayName is required",
  ],
  [
    "GalleryApp",
    { templateDisplayName: "AWS Single-Account Access" },
    "templateDisplayName",
    "set only one of",
  ],
  ["GalleryApp", { templateId: undefined, templateDisplayName: "" }, "templateDisplayName", "1 to 256"],
  ["GalleryApp", { permanentDelete: "yes" }, "permanentDelete", "must be true or false"],
  ["GalleryApp", { connection: "tenant" }, "connection", "must be an object"],
  ["GalleryApp", { connection: { tenant: "x" } }, "connection.tenant", "allowed: tenantId"],
  [
    "GalleryApp",
    { connection: { authorityHost: "http://login.example" } },
    "connection.authorityHost",
    "https",
  ],
  [
    "GalleryApp",
    { connection: { graphEndpoint: "ftp://graph" } },
    "connection.graphEndpoint",
    "http or https",
  ],
  ["GalleryApp", { connection: { apiVersion: "v2" } }, "connection.apiVersion", '"v1.0", "beta"'],
  [
    "GalleryApp",
    { connection: { replicationTimeoutSeconds: -5 } },
    "connection.replicationTimeoutSeconds",
    "positive",
  ],
  [
    "ProvisioningJob",
    { servicePrincipalId: undefined },
    "servicePrincipalId",
    "servicePrincipalId is required",
  ],
  ["ProvisioningJob", { servicePrincipalId: "my-sp" }, "servicePrincipalId", "must be a GUID"],
  ["ProvisioningJob", { templateId: "" }, "templateId", "non-empty id"],
  ["ProvisioningJob", { templateId: "aws/../x" }, "templateId", "without '/'"],
  [
    "ProvisioningJob",
    { connection: { requestTimeoutSeconds: "soon" } },
    "connection.requestTimeoutSeconds",
    "positive",
  ],
  ["ProvisioningSecrets", { servicePrincipalId: "nope" }, "servicePrincipalId", "must be a GUID"],
  ["ProvisioningSecrets", { credentials: undefined }, "credentials", "credentials is required"],
  [
    "ProvisioningSecrets",
    { credentials: ["SecretToken"] },
    "credentials",
    "map from synchronizationSecret names",
  ],
  ["ProvisioningSecrets", { credentials: {} }, "credentials", "at least one key"],
  ["ProvisioningSecrets", { credentials: { ApiToken: "v" } }, "credentials", 'unknown key "ApiToken"'],
  ["ProvisioningSecrets", { credentials: { None: "v" } }, "credentials", 'unknown key "None"'],
  [
    "ProvisioningSecrets",
    { credentials: { SecretToken: 7 } },
    "credentials",
    "credentials.SecretToken must be a string",
  ],
  ["ProvisioningSecrets", { credentials: { SecretToken: "" } }, "credentials", "must not be empty"],
  ["ProvisioningSecrets", { jobId: undefined }, "validate", "validate needs jobId or templateId"],
  ["ProvisioningSecrets", { validate: "no" }, "validate", "must be true or false"],
  ["ProvisioningSecrets", { jobId: "a b" }, "jobId", "non-empty id"],
  ["JobStart", { jobId: undefined }, "jobId", "jobId is required"],
  ["JobStart", { servicePrincipalId: 5 }, "servicePrincipalId", "must be a GUID"],
  ["JobStart", { triggers: "rotate" }, "triggers", "must be a list"],
  ["JobStart", { restartScope: "None" }, "restartScope", "must not contain None"],
  [
    "JobStart",
    { restartScope: "Escrows, ConnectorDataStore" },
    "restartScope",
    "must not contain ConnectorDataStore",
  ],
  ["JobStart", { restartScope: "Watermark,Everything" }, "restartScope", 'unknown flag "Everything"'],
  ["JobStart", { restartScope: "Escrows,,Full" }, "restartScope", "empty flag"],
  ["JobStart", { waitFor: "done" }, "waitFor", '"none", "started", "firstCycle"'],
  ["JobStart", { timeoutSeconds: 0 }, "timeoutSeconds", "from 1 to 86400"],
  ["JobStart", { timeoutSeconds: 1.5 }, "timeoutSeconds", "whole number of seconds"],
  ["JobStart", { timeoutSeconds: 100_000 }, "timeoutSeconds", "from 1 to 86400"],
];

function withChange(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe("resource check()", () => {
  afterEach(() => expect(callSequence(graph), "check must not call Graph").to.deep.equal([]));

  for (const kind of Object.keys(good) as Kind[]) {
    it(`should accept good ${kind} inputs without failures`, async () => {
      const result = await providers[kind].check!({}, good[kind]);
      expect(result.failures ?? []).to.deep.equal([]);
    });
  }

  it(`should have at least 30 bad-input cases (has ${badCases.length})`, () => {
    expect(badCases.length).to.be.at.least(30);
  });

  for (const [kind, change, property, text] of badCases) {
    it(`should reject ${kind} ${JSON.stringify(change)} naming ${property}`, async () => {
      const result = await providers[kind].check!({}, withChange(good[kind], change));
      const failures = result.failures ?? [];
      expect(failures.map((f) => f.property)).to.include(property);
      const failure = failures.find((f) => f.property === property)!;
      expect(failure.reason).to.contain(text);
    });
  }

  it("should never show a credential value or client secret in a failure", async () => {
    const secrets = await providers.ProvisioningSecrets.check!(
      {},
      withChange(good.ProvisioningSecrets, {
        credentials: { SecretToken: "tok-PLAINVALUE", Bogus: "bogus-PLAINVALUE" },
        connection: { clientSecret: 12345678, bogusField: "x" },
      }),
    );
    expect(secrets.failures?.length).to.be.greaterThan(0);
    expect(JSON.stringify(secrets.failures)).not.to.contain("PLAINVALUE").and.not.to.contain("12345678");
  });

  it("should not show JobStart triggers that are not a list (they often carry credentials)", async () => {
    const start = await providers.JobStart.check!(
      {},
      withChange(good.JobStart, { triggers: { SecretToken: "tok-PLAINVALUE" } }),
    );
    expect(start.failures?.map((f) => f.property)).to.deep.equal(["triggers"]);
    expect(start.failures?.[0].reason).to.contain("must be a list; got a value of type object");
    expect(JSON.stringify(start.failures)).not.to.contain("PLAINVALUE");
  });

  it("should apply defaults to the returned inputs", async () => {
    const app = await providers.GalleryApp.check!({}, good.GalleryApp);
    expect(app.inputs).to.deep.equal({ ...good.GalleryApp, permanentDelete: false, adoptExisting: false });
    const secrets = await providers.ProvisioningSecrets.check!({}, good.ProvisioningSecrets);
    expect(secrets.inputs?.validate).to.equal(true);
    const start = await providers.JobStart.check!({}, good.JobStart);
    expect(start.inputs).to.include({
      restartScope: "QuarantineState",
      waitFor: "started",
      timeoutSeconds: 600,
    });
  });

  it("should keep an explicit value instead of the default", async () => {
    const start = await providers.JobStart.check!(
      {},
      { ...good.JobStart, waitFor: "none", timeoutSeconds: 5 },
    );
    expect(start.inputs).to.include({ waitFor: "none", timeoutSeconds: 5 });
  });

  it("should accept unknown preview values unjudged, also nested", async () => {
    const cases: [Kind, Record<string, unknown>][] = [
      ["GalleryApp", { displayName: UNKNOWN_VALUE, templateId: UNKNOWN_VALUE, connection: UNKNOWN_VALUE }],
      [
        "GalleryApp",
        { displayName: "x", templateId: TEMPLATE_ID, connection: { clientSecret: UNKNOWN_VALUE } },
      ],
      ["ProvisioningJob", { servicePrincipalId: UNKNOWN_VALUE }],
      [
        "ProvisioningSecrets",
        { servicePrincipalId: UNKNOWN_VALUE, credentials: UNKNOWN_VALUE, jobId: UNKNOWN_VALUE },
      ],
      [
        "ProvisioningSecrets",
        { servicePrincipalId: SP_ID, credentials: { SecretToken: UNKNOWN_VALUE }, jobId: JOB_ID },
      ],
      ["JobStart", { servicePrincipalId: UNKNOWN_VALUE, jobId: UNKNOWN_VALUE, triggers: [UNKNOWN_VALUE] }],
      [
        "JobStart",
        { servicePrincipalId: SP_ID, jobId: JOB_ID, triggers: UNKNOWN_VALUE, waitFor: UNKNOWN_VALUE },
      ],
    ];
    for (const [kind, news] of cases) {
      const result = await providers[kind].check!({}, news);
      expect(result.failures ?? [], `${kind} ${JSON.stringify(news)}`).to.deep.equal([]);
    }
  });

  it("should still judge known fields next to unknown ones", async () => {
    const result = await providers.GalleryApp.check!(
      {},
      { displayName: UNKNOWN_VALUE, templateId: "not-a-guid" },
    );
    expect(result.failures?.map((f) => f.property)).to.deep.equal(["templateId"]);
  });

  it("should accept a templateDisplayName instead of a templateId", async () => {
    const result = await providers.GalleryApp.check!({}, { displayName: "a", templateDisplayName: "AWS" });
    expect(result.failures ?? []).to.deep.equal([]);
  });

  it("should accept secrets without jobId or templateId when validate is false", async () => {
    const result = await providers.ProvisioningSecrets.check!(
      {},
      { servicePrincipalId: APP_ID, credentials: { SecretToken: "x" }, validate: false },
    );
    expect(result.failures ?? []).to.deep.equal([]);
  });

  it("should accept a comma list of allowed restartScope flags", async () => {
    const result = await providers.JobStart.check!(
      {},
      { ...good.JobStart, restartScope: "Watermark, Escrows, QuarantineState" },
    );
    expect(result.failures ?? []).to.deep.equal([]);
  });
});
