import { expect } from "chai";
import type * as pulumi from "@pulumi/pulumi";
import { createGalleryAppProvider } from "../../../provider/resources/galleryAppProvider";
import { createJobStartProvider } from "../../../provider/resources/jobStartProvider";
import { createProvisioningJobProvider } from "../../../provider/resources/provisioningJobProvider";
import { createProvisioningSecretsProvider } from "../../../provider/resources/provisioningSecretsProvider";
import { UNKNOWN_VALUE } from "../../../provider/resources/validation";
import {
  APP_CLIENT_ID,
  APP_ID,
  callSequence,
  fakeDeps,
  JOB_ID,
  SP_ID,
  stubGraph,
  TEMPLATE_ID,
} from "./resourceFakes";

const graph = stubGraph();
const deps = fakeDeps(graph);
const providers = {
  GalleryApp: createGalleryAppProvider(deps),
  ProvisioningJob: createProvisioningJobProvider(deps),
  ProvisioningSecrets: createProvisioningSecretsProvider(deps),
  JobStart: createJobStartProvider(deps),
};
type Kind = keyof typeof providers;

const OTHER_GUID = "99999999-9999-4999-8999-999999999999";

/** Old outputs as create wrote them (with `__provider`, as the host passes them). */
const olds: Record<Kind, Record<string, unknown>> = {
  GalleryApp: {
    __provider: "exports.handler = __f0;",
    applicationObjectId: APP_ID,
    appId: APP_CLIENT_ID,
    servicePrincipalId: SP_ID,
    templateId: TEMPLATE_ID,
    templateDisplayName: null,
    displayName: "AWS Contoso",
    permanentDelete: false,
    connection: null,
  },
  ProvisioningJob: {
    jobId: JOB_ID,
    templateId: "aws",
    servicePrincipalId: SP_ID,
    scheduleState: "Disabled",
    scheduleInterval: "PT40M",
    statusCode: "NotConfigured",
    quarantine: null,
    connection: null,
  },
  ProvisioningSecrets: {
    servicePrincipalId: SP_ID,
    credentials: { ClientSecret: "a", SecretToken: "b" },
    keys: ["ClientSecret", "SecretToken"],
    jobId: JOB_ID,
    templateId: null,
    validate: true,
    connection: null,
  },
  JobStart: {
    servicePrincipalId: SP_ID,
    jobId: JOB_ID,
    triggers: [{ SecretToken: "b" }],
    restartScope: "QuarantineState",
    waitFor: "started",
    timeoutSeconds: 600,
    connection: null,
    statusCode: "Active",
    scheduleState: "Active",
    lastExecutionState: null,
    quarantine: null,
  },
};

/** New inputs (after check) equal to the old state. */
const same: Record<Kind, Record<string, unknown>> = {
  GalleryApp: { displayName: "AWS Contoso", templateId: TEMPLATE_ID, permanentDelete: false },
  ProvisioningJob: { servicePrincipalId: SP_ID, templateId: "aws" },
  ProvisioningSecrets: {
    servicePrincipalId: SP_ID,
    credentials: { SecretToken: "b", ClientSecret: "a" },
    jobId: JOB_ID,
    validate: true,
  },
  JobStart: {
    servicePrincipalId: SP_ID,
    jobId: JOB_ID,
    triggers: [{ SecretToken: "b" }],
    restartScope: "QuarantineState",
    waitFor: "started",
    timeoutSeconds: 600,
  },
};

/** [resource, description, change to old outputs, change to new inputs, expected diff]. */
const cases: [Kind, string, Record<string, unknown>, Record<string, unknown>, pulumi.dynamic.DiffResult][] = [
  ["GalleryApp", "nothing changed", {}, {}, { changes: false, replaces: [] }],
  ["GalleryApp", "displayName changed", {}, { displayName: "Renamed" }, { changes: true, replaces: [] }],
  [
    "GalleryApp",
    "templateId changed",
    {},
    { templateId: OTHER_GUID },
    { changes: true, replaces: ["templateId"] },
  ],
  [
    "GalleryApp",
    "templateId unknown in preview",
    {},
    { templateId: UNKNOWN_VALUE },
    { changes: true, replaces: ["templateId"] },
  ],
  ["GalleryApp", "permanentDelete changed", {}, { permanentDelete: true }, { changes: true, replaces: [] }],
  [
    "GalleryApp",
    "connection added (recorded, not replaced)",
    {},
    { connection: { tenantId: "contoso.onmicrosoft.com" } },
    { changes: true, replaces: [] },
  ],
  [
    "GalleryApp",
    "same templateDisplayName resolved earlier",
    { templateDisplayName: "AWS Single-Account Access" },
    { templateId: undefined, templateDisplayName: "AWS Single-Account Access" },
    { changes: false, replaces: [] },
  ],
  [
    "GalleryApp",
    "templateDisplayName changed",
    { templateDisplayName: "AWS Single-Account Access" },
    { templateId: undefined, templateDisplayName: "Box" },
    { changes: true, replaces: ["templateDisplayName"] },
  ],
  [
    "GalleryApp",
    "templateDisplayName swapped for the resolved templateId",
    { templateDisplayName: "AWS Single-Account Access" },
    { templateDisplayName: undefined },
    { changes: true, replaces: [] },
  ],
  [
    "ProvisioningJob",
    "nothing changed",
    {},
    {},
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "ProvisioningJob",
    "templateId changed: delete before replace",
    {},
    { templateId: "scim" },
    { changes: true, replaces: ["templateId"], deleteBeforeReplace: true },
  ],
  [
    "ProvisioningJob",
    "servicePrincipalId changed",
    {},
    { servicePrincipalId: OTHER_GUID },
    { changes: true, replaces: ["servicePrincipalId"], deleteBeforeReplace: false },
  ],
  [
    "ProvisioningJob",
    "templateId omitted keeps the resolved one",
    {},
    { templateId: undefined },
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "ProvisioningJob",
    "connection changed",
    { connection: { apiVersion: "v1.0" } },
    { connection: { apiVersion: "beta" } },
    { changes: true, replaces: [], deleteBeforeReplace: false },
  ],
  [
    "ProvisioningJob",
    "refreshed status alone",
    { scheduleState: "Active", statusCode: "Active" },
    {},
    { changes: false, replaces: [], deleteBeforeReplace: false },
  ],
  ["ProvisioningSecrets", "nothing changed (key order aside)", {}, {}, { changes: false, replaces: [] }],
  [
    "ProvisioningSecrets",
    "a credential value changed",
    {},
    { credentials: { ClientSecret: "a", SecretToken: "rotated" } },
    { changes: true, replaces: [] },
  ],
  [
    "ProvisioningSecrets",
    "a key dropped",
    {},
    { credentials: { ClientSecret: "a" } },
    { changes: true, replaces: [] },
  ],
  [
    "ProvisioningSecrets",
    "a managed key vanished (refresh drift)",
    { credentials: { ClientSecret: "a" }, keys: ["ClientSecret"] },
    {},
    { changes: true, replaces: [] },
  ],
  [
    "ProvisioningSecrets",
    "servicePrincipalId changed",
    {},
    { servicePrincipalId: OTHER_GUID },
    { changes: true, replaces: ["servicePrincipalId"] },
  ],
  [
    "ProvisioningSecrets",
    "jobId changed (job replaced)",
    {},
    { jobId: "aws.x.y" },
    { changes: true, replaces: [] },
  ],
  [
    "ProvisioningSecrets",
    "credentials unknown in preview",
    {},
    { credentials: UNKNOWN_VALUE },
    { changes: true, replaces: [] },
  ],
  ["JobStart", "nothing changed", {}, {}, { changes: false, replaces: [] }],
  [
    "JobStart",
    "triggers changed",
    {},
    { triggers: [{ SecretToken: "rotated" }] },
    { changes: true, replaces: [] },
  ],
  [
    "JobStart",
    "paused out of band (read as Paused)",
    { scheduleState: "Paused", statusCode: "Paused" },
    {},
    { changes: true, replaces: [] },
  ],
  ["JobStart", "jobId changed", {}, { jobId: "aws.x.y" }, { changes: true, replaces: ["jobId"] }],
  [
    "JobStart",
    "servicePrincipalId unknown in preview",
    {},
    { servicePrincipalId: UNKNOWN_VALUE },
    { changes: true, replaces: ["servicePrincipalId"] },
  ],
  ["JobStart", "waitFor changed", {}, { waitFor: "firstCycle" }, { changes: true, replaces: [] }],
  [
    "JobStart",
    "quarantined but scheduled (no change without new triggers)",
    { statusCode: "Quarantine" },
    {},
    { changes: false, replaces: [] },
  ],
];

function withChange(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

describe("resource diff()", () => {
  afterEach(() => expect(callSequence(graph), "diff must not call Graph").to.deep.equal([]));

  for (const [kind, description, oldChange, newChange, expected] of cases) {
    it(`should report ${JSON.stringify(expected)} for ${kind}: ${description}`, async () => {
      const result = await providers[kind].diff!(
        "id",
        withChange(olds[kind], oldChange),
        withChange(same[kind], newChange),
      );
      expect(result).to.deep.equal(expected);
    });
  }
});
