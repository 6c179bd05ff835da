/**
 * Graph behaviours the package relies on, as graph-api.md documents them: application / service principal
 * CRUD with `$filter` and soft delete, secrets semantics, validateCredentials in both bindings, the job
 * lifecycle (cycles, pause, quarantine, restart), provisioning-log queries, and the error envelope.
 */
import { expect } from "chai";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

const AWS = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const SCIM_APP = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
type ErrorBody = { error: { code: string; message: string; innerError: Record<string, string> } };
type Job = {
  id: string;
  schedule: { state: string };
  status: { code: string; quarantine: { reason: string; error: { code: string } } | null };
};

describe("emulator: Graph behaviours @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;
  let counter = 0;

  const instantiate = async (templateId = AWS, displayName = `App ${++counter}`) => {
    const res = await graph.call<{
      application: { id: string; appId: string };
      servicePrincipal: { id: string };
    }>("POST", `/applicationTemplates/${templateId}/instantiate`, { displayName });
    expect(res.status).to.equal(201);
    return {
      appId: res.body.application.id,
      clientAppId: res.body.application.appId,
      spId: res.body.servicePrincipal.id,
    };
  };
  const createJob = async (spId: string, templateId: string) => {
    const res = await graph.call<Job>("POST", `/servicePrincipals/${spId}/synchronization/jobs`, {
      templateId,
    });
    expect(res.status).to.equal(201);
    return res.body.id;
  };
  const getJob = async (spId: string, jobId: string) =>
    (await graph.call<Job>("GET", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`)).body;
  const waitForCode = (spId: string, jobId: string, codes: string[]) =>
    eventually(async () => {
      const job = await getJob(spId, jobId);
      return codes.includes(job.status.code) ? job : undefined;
    });

  before(async () => {
    emulator = await startEmulator({ port: 0, cycleTimeMs: 40 });
    graph = new EmulatorTestClient(emulator);
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.stop());

  describe("applications and service principals", () => {
    it("should list applications filtered by displayName and applicationTemplateId", async () => {
      await instantiate(AWS, "Same Name");
      await instantiate(SCIM_APP, "Same Name");
      await instantiate(AWS, "Other Name");
      const res = await graph.call<{ value: { displayName: string; applicationTemplateId: string }[] }>(
        "GET",
        `/applications?$filter=${encodeURIComponent(`displayName eq 'Same Name' and applicationTemplateId eq '${AWS}'`)}`,
      );
      expect(res.status).to.equal(200);
      expect(res.body.value.map((a) => [a.displayName, a.applicationTemplateId])).to.deep.equal([
        ["Same Name", AWS],
      ]);
    });

    it("should page with $top and a working @odata.nextLink", async () => {
      for (let i = 0; i < 3; i++) await instantiate();
      const names: string[] = [];
      let next: string | undefined = "/applications?$top=2&$select=displayName";
      let pages = 0;
      while (next) {
        const page: { body: { value: { displayName: string }[]; "@odata.nextLink"?: string } } =
          await graph.call("GET", next);
        names.push(...page.body.value.map((a) => a.displayName));
        next = page.body["@odata.nextLink"];
        pages++;
      }
      expect(pages).to.equal(2);
      expect(names).to.have.length(3);
      expect(new Set(names).size).to.equal(3);
    });

    it("should GET by object id and by appId alternate key, and PATCH with 204", async () => {
      const { appId, clientAppId, spId } = await instantiate();
      expect((await graph.call("GET", `/applications(appId='${clientAppId}')`)).status).to.equal(200);
      expect((await graph.call("GET", `/servicePrincipals(appId='${clientAppId}')`)).status).to.equal(200);
      const patch = await graph.call("PATCH", `/applications/${appId}`, { displayName: "New name" });
      expect([patch.status, patch.text]).to.deep.equal([204, ""]);
      expect(
        (await graph.call<{ displayName: string }>("GET", `/applications/${appId}`)).body.displayName,
      ).to.equal("New name");
      // Renaming the application does not rename its service principal.
      expect(
        (await graph.call<{ displayName: string }>("GET", `/servicePrincipals/${spId}`)).body.displayName,
      ).to.not.equal("New name");
      expect(
        (await graph.call("PATCH", `/servicePrincipals/${spId}`, { displayName: "New name" })).status,
      ).to.equal(204);
    });

    it("should reject PATCH of a read-only or unknown property, and a bad displayName, with 400", async () => {
      const { appId } = await instantiate();
      const readOnly = await graph.call<ErrorBody>("PATCH", `/applications/${appId}`, { appId: "x" });
      expect([readOnly.status, readOnly.body.error.message]).to.deep.equal([
        400,
        "Property 'appId' is read-only and cannot be set.",
      ]);
      const unknown = await graph.call<ErrorBody>("PATCH", `/applications/${appId}`, { colour: "red" });
      expect(unknown.body.error.message).to.equal(
        "Property 'colour' does not exist on type 'microsoft.graph.application'.",
      );
      expect((await graph.call("PATCH", `/applications/${appId}`, { displayName: "" })).status).to.equal(400);
      const instantiateBad = await graph.call<ErrorBody>(
        "POST",
        `/applicationTemplates/${AWS}/instantiate`,
        {},
      );
      expect([instantiateBad.status, instantiateBad.body.error.message]).to.deep.equal([
        400,
        "displayName: required, a string of 1 to 256 characters.",
      ]);
      expect(
        (
          await graph.call("POST", "/applicationTemplates/00000000-0000-0000-0000-000000000000/instantiate", {
            displayName: "x",
          })
        ).status,
      ).to.equal(404);
    });

    it("should soft-delete the application with its service principal, jobs and secrets, then purge it", async () => {
      const { appId, spId } = await instantiate();
      const jobId = await createJob(spId, "aws");
      const del = await graph.call("DELETE", `/applications/${appId}`);
      expect(del.status).to.equal(204);
      expect((await graph.call<ErrorBody>("GET", `/applications/${appId}`)).body.error.code).to.equal(
        "Request_ResourceNotFound",
      );
      expect((await graph.call("GET", `/servicePrincipals/${spId}`)).status).to.equal(404);
      expect(
        (await graph.call("GET", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`)).status,
      ).to.equal(404);
      expect((await graph.call("GET", `/servicePrincipals/${spId}/synchronization/secrets`)).status).to.equal(
        404,
      );
      const deleted = await graph.call<{ "@odata.type": string; deletedDateTime: string }>(
        "GET",
        `/directory/deletedItems/${appId}`,
      );
      expect(deleted.status).to.equal(200);
      expect(deleted.body["@odata.type"]).to.equal("#microsoft.graph.application");
      expect(Number.isNaN(Date.parse(deleted.body.deletedDateTime))).to.equal(false);
      expect((await graph.call("GET", `/directory/deletedItems/${spId}`)).status).to.equal(200);
      const list = await graph.call<{ value: { id: string }[] }>(
        "GET",
        "/directory/deletedItems/microsoft.graph.application",
      );
      expect(list.body.value.map((a) => a.id)).to.deep.equal([appId]);
      expect((await graph.call("DELETE", `/directory/deletedItems/${appId}`)).status).to.equal(204);
      expect((await graph.call("GET", `/directory/deletedItems/${appId}`)).status).to.equal(404);
      expect((await graph.call("GET", `/directory/deletedItems/${spId}`)).status).to.equal(404);
      expect((await graph.call("DELETE", `/applications/${appId}`)).status).to.equal(404);
      expect(emulator.state().applications).to.have.length(0);
    });

    it("should restore a soft-deleted application with its service principal", async () => {
      const { appId, spId } = await instantiate();
      await graph.call("DELETE", `/applications/${appId}`);
      expect((await graph.call("POST", `/directory/deletedItems/${appId}/restore`)).status).to.equal(200);
      expect((await graph.call("GET", `/servicePrincipals/${spId}`)).status).to.equal(200);
    });
  });

  describe("synchronization secrets", () => {
    it("should save, mask, keep omitted keys and clear keys set to empty", async () => {
      const { spId } = await instantiate(SCIM_APP);
      const put = (value: { key: string; value: string }[]) =>
        graph.call<ErrorBody>("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, { value });
      const get = async () =>
        (
          await graph.call<{ value: { key: string; value: string }[] }>(
            "GET",
            `/servicePrincipals/${spId}/synchronization/secrets`,
          )
        ).body.value;
      expect(
        (
          await put([
            { key: "BaseAddress", value: "https://scim.example.com" },
            { key: "SecretToken", value: "t0ken" },
            { key: "SyncNotificationSettings", value: '{"Enabled":false}' },
          ])
        ).status,
      ).to.equal(204);
      expect(await get()).to.deep.equal([
        { key: "BaseAddress", value: "*" },
        { key: "SecretToken", value: "*" },
        { key: "SyncNotificationSettings", value: '{"Enabled":false}' },
      ]);
      expect((await put([{ key: "SecretToken", value: "" }])).status).to.equal(204);
      expect((await get()).map((p) => p.key)).to.deep.equal(["BaseAddress", "SyncNotificationSettings"]);
    });

    it("should reject '' for a JSON-valued key but accept '{}' and keep the key", async () => {
      const { spId } = await instantiate(SCIM_APP);
      const path = `/servicePrincipals/${spId}/synchronization/secrets`;
      await graph.call("PUT", path, {
        value: [{ key: "SyncNotificationSettings", value: '{"Enabled":true}' }],
      });
      const empty = await graph.call<ErrorBody>("PUT", path, {
        value: [{ key: "SyncNotificationSettings", value: "" }],
      });
      expect(empty.status).to.equal(400);
      expect(empty.body.error.code).to.equal("UnknownError");
      expect(JSON.parse(empty.body.error.message).error.code).to.equal("InvalidNotificationSettings");
      expect(
        (await graph.call("PUT", path, { value: [{ key: "SyncNotificationSettings", value: "{}" }] })).status,
      ).to.equal(204);
      const after = await graph.call<{ value: unknown[] }>("GET", path);
      expect(after.body.value).to.deep.equal([{ key: "SyncNotificationSettings", value: "{}" }]);
    });

    it("should reject an unknown key or a body without value[], naming the problem", async () => {
      const { spId } = await instantiate(SCIM_APP);
      const path = `/servicePrincipals/${spId}/synchronization/secrets`;
      const unknown = await graph.call<ErrorBody>("PUT", path, { value: [{ key: "ApiKey", value: "x" }] });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.error.message).to.match(
        /^value\[0\]\.key: requested value 'ApiKey' was not found in synchronizationSecret\. Allowed: UserName, Password, SecretToken/,
      );
      const noValue = await graph.call<ErrorBody>("PUT", path, { credentials: [] });
      expect(noValue.body.error.message).to.match(/^value: must be an array/);
    });
  });

  describe("validateCredentials", () => {
    it("should enforce AWS's required keys in the job-bound form and save nothing", async () => {
      const { spId } = await instantiate(AWS);
      const jobId = await createJob(spId, "aws");
      const path = `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`;
      const missing = await graph.call<ErrorBody>("POST", path, {
        credentials: [{ key: "ClientSecret", value: "k" }],
      });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.innerError.code).to.equal("CredentialValidationFailed");
      expect(missing.body.error.message).to.include("missing: SecretToken");
      const ok = await graph.call("POST", path, {
        credentials: [
          { key: "ClientSecret", value: "k" },
          { key: "SecretToken", value: "s" },
        ],
      });
      expect(ok.status).to.equal(204);
      expect(emulator.state().secrets).to.deep.equal([]);
    });

    it("should fail, without echoing it, a value containing the documented marker 'invalid'", async () => {
      const { spId } = await instantiate(AWS);
      const jobId = await createJob(spId, "aws");
      const res = await graph.call<ErrorBody>(
        "POST",
        `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`,
        {
          credentials: [
            { key: "ClientSecret", value: "k" },
            { key: "SecretToken", value: "my-INVALID-token-xyz" },
          ],
        },
      );
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.include("SecretToken");
      expect(res.text).not.to.include("my-INVALID-token-xyz");
    });

    it("should require an https BaseAddress and a SecretToken for SCIM in the collection-bound form", async () => {
      const { spId } = await instantiate(SCIM_APP);
      const path = `/servicePrincipals/${spId}/synchronization/jobs/validateCredentials`;
      const http = await graph.call<ErrorBody>("POST", path, {
        templateId: "scim",
        credentials: [
          { key: "BaseAddress", value: "http://scim.example.com" },
          { key: "SecretToken", value: "t" },
        ],
      });
      expect([http.status, http.body.error.message]).to.deep.equal([
        400,
        "Credential validation failed: BaseAddress must be an absolute https URL.",
      ]);
      const good = await graph.call("POST", path, {
        templateId: "scim",
        credentials: [
          { key: "BaseAddress", value: "https://scim.example.com" },
          { key: "SecretToken", value: "t" },
        ],
      });
      expect(good.status).to.equal(204);
      const wrongTemplate = await graph.call<ErrorBody>("POST", path, { templateId: "aws", credentials: [] });
      expect(wrongTemplate.body.error.message).to.equal(
        "templateId: 'aws' is not a synchronization template of this service principal; available: scim.",
      );
    });

    it("should validate the saved secrets when useSavedCredentials is true", async () => {
      const { spId } = await instantiate(AWS);
      const jobId = await createJob(spId, "aws");
      const path = `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/validateCredentials`;
      expect((await graph.call("POST", path, { useSavedCredentials: true })).status).to.equal(400);
      await graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
        value: [
          { key: "ClientSecret", value: "k" },
          { key: "SecretToken", value: "s" },
        ],
      });
      expect((await graph.call("POST", path, { useSavedCredentials: true })).status).to.equal(204);
    });
  });

  describe("jobs", () => {
    it("should list, refuse an unknown or duplicate template, and delete with 204", async () => {
      const { spId } = await instantiate("7d3b9f1e-5a2c-4e6d-8b0a-3c5e7a9b1d25");
      const templates = await graph.call<{ value: { id: string; default: boolean }[] }>(
        "GET",
        `/servicePrincipals/${spId}/synchronization/templates`,
      );
      expect(templates.body.value.map((t) => [t.id, t.default])).to.deep.equal([
        ["SfOutDelta", true],
        ["SfSandboxOutDelta", false],
      ]);
      const unknown = await graph.call<ErrorBody>("POST", `/servicePrincipals/${spId}/synchronization/jobs`, {
        templateId: "aws",
      });
      expect(unknown.status).to.equal(400);
      const jobId = await createJob(spId, "SfSandboxOutDelta");
      expect(jobId.startsWith("SfSandboxOutDelta.")).to.equal(true);
      expect(
        (
          await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs`, {
            templateId: "SfSandboxOutDelta",
          })
        ).status,
      ).to.equal(409);
      const list = await graph.call<{ value: { id: string }[] }>(
        "GET",
        `/servicePrincipals/${spId}/synchronization/jobs`,
      );
      expect(list.body.value.map((j) => j.id)).to.deep.equal([jobId]);
      expect(
        (await graph.call("DELETE", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`)).status,
      ).to.equal(204);
      expect(
        (await graph.call("GET", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}`)).status,
      ).to.equal(404);
    });

    it("should run a cycle after start, pause on request, and accept the namespaced action form", async () => {
      const { spId } = await instantiate(AWS);
      const jobId = await createJob(spId, "aws");
      await graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
        value: [
          { key: "ClientSecret", value: "k" },
          { key: "SecretToken", value: "s" },
        ],
      });
      expect(
        (
          await graph.call(
            "POST",
            `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/microsoft.graph.start`,
          )
        ).status,
      ).to.equal(204);
      const active = await waitForCode(spId, jobId, ["Active"]);
      expect(active.schedule.state).to.equal("Active");
      expect(
        (await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/pause`)).status,
      ).to.equal(204);
      const paused = await getJob(spId, jobId);
      expect([paused.schedule.state, paused.status.code]).to.deep.equal(["Paused", "Paused"]);
    });

    it("should quarantine a job whose saved credentials are bad, and lift it with restart QuarantineState", async () => {
      const { spId } = await instantiate(AWS);
      const jobId = await createJob(spId, "aws");
      const secrets = (token: string) =>
        graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
          value: [
            { key: "ClientSecret", value: "k" },
            { key: "SecretToken", value: token },
          ],
        });
      await secrets("invalid-token");
      await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/start`);
      const quarantined = await waitForCode(spId, jobId, ["Quarantine", "Active"]);
      expect(quarantined.status.code).to.equal("Quarantine");
      expect(quarantined.status.quarantine?.reason).to.equal("EncounteredQuarantineException");
      expect(quarantined.status.quarantine?.error.code).to.equal("CredentialValidationFailed");

      const badScope = await graph.call<ErrorBody>(
        "POST",
        `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/restart`,
        { criteria: { resetScope: "Everything" } },
      );
      expect(badScope.status).to.equal(400);
      expect(badScope.body.error.message).to.include(
        "'Everything' is not a synchronizationJobRestartScope flag",
      );

      await secrets("good-token");
      const restart = await graph.call(
        "POST",
        `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/restart`,
        { criteria: { resetScope: "QuarantineState" } },
      );
      expect(restart.status).to.equal(204);
      const recovered = await waitForCode(spId, jobId, ["Active", "Quarantine"]);
      expect(recovered.status.code).to.equal("Active");
      expect(recovered.status.quarantine).to.equal(null);
    });
  });

  describe("provisioning logs", () => {
    let spId: string;
    let jobId: string;

    beforeEach(async () => {
      ({ spId } = await instantiate(SCIM_APP, "Logs app"));
      emulator.assign(spId, { users: 1, failedUsers: 2 });
      jobId = await createJob(spId, "scim");
      await graph.call("PUT", `/servicePrincipals/${spId}/synchronization/secrets`, {
        value: [
          { key: "BaseAddress", value: "https://scim.example.com" },
          { key: "SecretToken", value: "t" },
        ],
      });
      await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs/${jobId}/start`);
      await waitForCode(spId, jobId, ["Active"]);
    });

    const query = async (params: string) =>
      graph.call<{
        value: { jobId: string; activityDateTime: string; provisioningStatusInfo: { status: string } }[];
        "@odata.nextLink"?: string;
      }>("GET", `/auditLogs/provisioning?${params}`);

    it("should filter by jobId, servicePrincipal/id and status", async () => {
      const byJob = await query(`$filter=${encodeURIComponent(`jobId eq '${jobId}'`)}`);
      expect(byJob.body.value).to.have.length(2 + 1 + 1 + 2); // default 2 users + 1 group, plus 1 user and 2 failing users
      const bySp = await query(
        `$filter=${encodeURIComponent(`servicePrincipal/id eq '${spId}' and provisioningStatusInfo/status eq 'failure'`)}`,
      );
      expect(bySp.body.value).to.have.length(2);
      const none = await query(
        `$filter=${encodeURIComponent("servicePrincipal/id eq '00000000-0000-0000-0000-000000000000'")}`,
      );
      expect(none.body.value).to.deep.equal([]);
    });

    it("should filter by activityDateTime gt/lt and order by activityDateTime", async () => {
      const future = new Date(Date.now() + 3600_000).toISOString();
      const past = "2020-01-01";
      expect(
        (await query(`$filter=${encodeURIComponent(`activityDateTime gt ${future}`)}`)).body.value,
      ).to.have.length(0);
      expect(
        (
          await query(
            `$filter=${encodeURIComponent(`activityDateTime gt ${past} and activityDateTime lt ${future}`)}`,
          )
        ).body.value,
      ).to.have.length(6);
      const asc = (await query("$orderby=activityDateTime asc")).body.value.map((e) => e.activityDateTime);
      expect(asc).to.deep.equal([...asc].sort());
    });

    it("should page with $top and @odata.nextLink", async () => {
      const seen: string[] = [];
      let res = await query(`$top=4&$filter=${encodeURIComponent(`jobId eq '${jobId}'`)}`);
      seen.push(...res.body.value.map((e) => e.jobId));
      expect(res.body.value).to.have.length(4);
      const next = res.body["@odata.nextLink"] as string;
      expect(next).to.match(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/auditLogs\/provisioning\?.*\$skiptoken=/);
      res = await graph.call("GET", next);
      seen.push(...res.body.value.map((e) => e.jobId));
      expect(res.body["@odata.nextLink"]).to.equal(undefined);
      expect(seen).to.have.length(6);
    });

    it("should reject a malformed filter or an unsupported property with 400", async () => {
      expect((await query(`$filter=${encodeURIComponent("jobId eq")}`)).status).to.equal(400);
      const res = await graph.call<ErrorBody>(
        "GET",
        `/auditLogs/provisioning?$filter=${encodeURIComponent("colour eq 'red'")}`,
      );
      expect(res.status).to.equal(400);
      expect(res.body.error.message).to.include("filtering on 'colour' is not supported");
    });
  });

  describe("error envelope and headers", () => {
    it("should answer an unknown route with 404 in Graph's envelope and echo client-request-id", async () => {
      const res = await graph.call<ErrorBody>("GET", "/nothingHere", undefined, {
        headers: { "client-request-id": "my-correlation-id" },
      });
      expect(res.status).to.equal(404);
      expect(res.headers["client-request-id"]).to.equal("my-correlation-id");
      expect(res.headers["request-id"]).to.match(/^[0-9a-f-]{36}$/);
      expect(res.body.error.innerError).to.include({
        "request-id": res.headers["request-id"],
        "client-request-id": "my-correlation-id",
      });
      expect(res.body.error.innerError.date).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    });

    it("should answer malformed JSON with 400 and a wrong method with 405", async () => {
      const bad = await graph.call<ErrorBody>("POST", `/applicationTemplates/${AWS}/instantiate`, undefined, {
        rawBody: "{not json",
      });
      expect([bad.status, bad.body.error.code]).to.deep.equal([400, "BadRequest"]);
      expect((await graph.call("DELETE", "/applicationTemplates")).status).to.equal(405);
    });

    it("should serve the same routes under /beta", async () => {
      const beta = new EmulatorTestClient(emulator, "beta");
      const res = await beta.call<{ "@odata.context": string }>("GET", `/applicationTemplates/${AWS}`);
      expect(res.status).to.equal(200);
      expect(res.body["@odata.context"]).to.include("/beta/$metadata#applicationTemplates/$entity");
    });
  });
});
