import { expect } from "chai";
import sinon from "sinon";
import {
  clearGraphClients,
  GraphClient,
  graphClientFor,
  odataString,
  provisioningLogFilter,
  resetGraphCaches,
} from "../../../provider/graph/graphClient";
import type { GraphClientOptions } from "../../../provider/graph/graphClient";
import { GraphError, isGraphError } from "../../../provider/graph/graphError";
import { AccessTokenCache } from "../../../provider/graph/credentials";
import { RequestPacer } from "../../../provider/graph/requestPacer";
import type { GraphApi } from "../../../provider/graph/types";
import { graphErrorBody, startScriptedGraphServer } from "../../helpers/scriptedGraphServer";
import type { ScriptedGraphServer } from "../../helpers/scriptedGraphServer";

const SP = "5f2a1c3e-0000-4000-8000-000000000001";
const JOB = "aws.e4bbf44533ea4eabb17027f3a92e92aa.10a7a801-3c2f-4b2e-9d3a-1f2e3d4c5b6a";

describe("GraphClient", () => {
  let server: ScriptedGraphServer;
  let sleeps: number[];
  let clock: number;

  before(async () => {
    server = await startScriptedGraphServer();
  });
  after(() => server.close());
  beforeEach(() => {
    server.clear();
    sleeps = [];
    clock = Date.parse("2026-01-01T00:00:00Z");
  });
  afterEach(() => sinon.restore());

  function client(options: Partial<GraphClientOptions> = {}): GraphClient {
    return new GraphClient({
      baseUrl: server.url,
      getToken: async () => "test-token",
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      timeoutMs: 5_000,
      ...options,
    });
  }

  describe("operations", () => {
    interface Case {
      name: string;
      call: (g: GraphApi) => Promise<unknown>;
      method: string;
      path: string;
      body?: unknown;
      reply?: { status: number; body?: unknown };
      result?: unknown;
    }
    const job = { id: JOB, templateId: "aws" };
    const cases: Case[] = [
      {
        name: "getApplicationTemplate",
        call: (g) => g.getApplicationTemplate("8b1025e4-1dd2-430b-a150-2ef79cd700f5"),
        method: "GET",
        path: "/v1.0/applicationTemplates/8b1025e4-1dd2-430b-a150-2ef79cd700f5",
        reply: { status: 200, body: { id: "8b1025e4-1dd2-430b-a150-2ef79cd700f5", displayName: "AWS" } },
        result: { id: "8b1025e4-1dd2-430b-a150-2ef79cd700f5", displayName: "AWS" },
      },
      {
        name: "instantiateApplicationTemplate",
        call: (g) => g.instantiateApplicationTemplate("tpl", "My AWS"),
        method: "POST",
        path: "/v1.0/applicationTemplates/tpl/instantiate",
        body: { displayName: "My AWS" },
        reply: { status: 201, body: { application: { id: "a" }, servicePrincipal: { id: "s" } } },
        result: { application: { id: "a" }, servicePrincipal: { id: "s" } },
      },
      {
        name: "getApplication",
        call: (g) => g.getApplication("app-1"),
        method: "GET",
        path: "/v1.0/applications/app-1",
        reply: { status: 200, body: { id: "app-1" } },
        result: { id: "app-1" },
      },
      {
        name: "updateApplication",
        call: (g) => g.updateApplication("app-1", { displayName: "New" }),
        method: "PATCH",
        path: "/v1.0/applications/app-1",
        body: { displayName: "New" },
      },
      {
        name: "deleteApplication",
        call: (g) => g.deleteApplication("app-1"),
        method: "DELETE",
        path: "/v1.0/applications/app-1",
      },
      {
        name: "getServicePrincipal",
        call: (g) => g.getServicePrincipal(SP),
        method: "GET",
        path: `/v1.0/servicePrincipals/${SP}`,
        reply: { status: 200, body: { id: SP } },
        result: { id: SP },
      },
      {
        name: "getServicePrincipalByAppId (alternate key)",
        call: (g) => g.getServicePrincipalByAppId!("22222222-2222-4222-8222-222222222222"),
        method: "GET",
        path: "/v1.0/servicePrincipals(appId='22222222-2222-4222-8222-222222222222')",
        reply: { status: 200, body: { id: SP } },
        result: { id: SP },
      },
      {
        name: "updateServicePrincipal",
        call: (g) => g.updateServicePrincipal(SP, { displayName: "New" }),
        method: "PATCH",
        path: `/v1.0/servicePrincipals/${SP}`,
        body: { displayName: "New" },
      },
      {
        name: "deleteServicePrincipal",
        call: (g) => g.deleteServicePrincipal(SP),
        method: "DELETE",
        path: `/v1.0/servicePrincipals/${SP}`,
      },
      {
        name: "permanentlyDeleteDirectoryObject",
        call: (g) => g.permanentlyDeleteDirectoryObject("app-1"),
        method: "DELETE",
        path: "/v1.0/directory/deletedItems/app-1",
      },
      {
        name: "createSynchronizationJob",
        call: (g) => g.createSynchronizationJob(SP, "aws"),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs`,
        body: { templateId: "aws" },
        reply: { status: 201, body: job },
        result: job,
      },
      {
        name: "getSynchronizationJob (job id with dots)",
        call: (g) => g.getSynchronizationJob(SP, JOB),
        method: "GET",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}`,
        reply: { status: 200, body: job },
        result: job,
      },
      {
        name: "deleteSynchronizationJob",
        call: (g) => g.deleteSynchronizationJob(SP, JOB),
        method: "DELETE",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}`,
      },
      {
        name: "validateCredentials (job-bound)",
        call: (g) =>
          g.validateCredentials(SP, {
            jobId: JOB,
            credentials: [{ key: "BaseAddress", value: "https://x" }],
          }),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/validateCredentials`,
        body: { credentials: [{ key: "BaseAddress", value: "https://x" }] },
      },
      {
        name: "validateCredentials (collection-bound)",
        call: (g) => g.validateCredentials(SP, { templateId: "scim", useSavedCredentials: false }),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/validateCredentials`,
        body: { templateId: "scim", useSavedCredentials: false },
      },
      {
        name: "putSynchronizationSecrets",
        call: (g) => g.putSynchronizationSecrets(SP, [{ key: "SyncAll", value: "false" }]),
        method: "PUT",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/secrets`,
        body: { value: [{ key: "SyncAll", value: "false" }] },
      },
      {
        name: "getSynchronizationSecrets",
        call: (g) => g.getSynchronizationSecrets(SP),
        method: "GET",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/secrets`,
        reply: { status: 200, body: { value: [{ key: "SecretToken", value: "*" }] } },
        result: [{ key: "SecretToken", value: "*" }],
      },
      {
        name: "startSynchronizationJob",
        call: (g) => g.startSynchronizationJob(SP, JOB),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/start`,
      },
      {
        name: "pauseSynchronizationJob",
        call: (g) => g.pauseSynchronizationJob(SP, JOB),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/pause`,
      },
      {
        name: "restartSynchronizationJob with a scope",
        call: (g) => g.restartSynchronizationJob(SP, JOB, "QuarantineState, Escrows"),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/restart`,
        body: { criteria: { resetScope: "QuarantineState, Escrows" } },
      },
      {
        name: "restartSynchronizationJob without a scope",
        call: (g) => g.restartSynchronizationJob(SP, JOB),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/restart`,
        body: {},
      },
      {
        name: "provisionOnDemand",
        call: (g) =>
          g.provisionOnDemand(SP, JOB, [
            { ruleId: "r1", subjects: [{ objectId: "u1", objectTypeName: "User" }] },
          ]),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/provisionOnDemand`,
        body: { parameters: [{ ruleId: "r1", subjects: [{ objectId: "u1", objectTypeName: "User" }] }] },
        reply: { status: 200, body: { key: '{"result":"Success"}', value: "[]" } },
        result: [{ key: '{"result":"Success"}', value: "[]" }],
      },
      {
        name: "getSynchronizationSchema (job)",
        call: (g) => g.getSynchronizationSchema(SP, { jobId: JOB }),
        method: "GET",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/schema`,
        reply: { status: 200, body: { id: JOB, version: "v1.2", synchronizationRules: [], directories: [] } },
        result: { id: JOB, version: "v1.2", synchronizationRules: [], directories: [] },
      },
      {
        name: "getSynchronizationSchema (template)",
        call: (g) => g.getSynchronizationSchema(SP, { templateId: "scim" }),
        method: "GET",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/templates/scim/schema`,
        reply: { status: 200, body: { id: "scim.0", synchronizationRules: [] } },
        result: { id: "scim.0", synchronizationRules: [] },
      },
      {
        name: "putSynchronizationSchema",
        call: (g) => g.putSynchronizationSchema(SP, JOB, { synchronizationRules: [], directories: [] }),
        method: "PUT",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/schema`,
        body: { synchronizationRules: [], directories: [] },
      },
      {
        name: "deleteSynchronizationSchema",
        call: (g) => g.deleteSynchronizationSchema(SP, JOB),
        method: "DELETE",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/schema`,
      },
      {
        name: "parseExpression",
        call: (g) => g.parseExpression(SP, { jobId: JOB }, { expression: "[mail]" }),
        method: "POST",
        path: `/v1.0/servicePrincipals/${SP}/synchronization/jobs/${JOB}/schema/parseExpression`,
        body: { expression: "[mail]" },
        reply: {
          status: 200,
          body: {
            error: null,
            evaluationResult: null,
            evaluationSucceeded: false,
            parsedExpression: { expression: "[mail]", name: "mail", parameters: [], type: "Attribute" },
            parsingSucceeded: true,
          },
        },
        result: {
          error: null,
          evaluationResult: null,
          evaluationSucceeded: false,
          parsedExpression: { expression: "[mail]", name: "mail", parameters: [], type: "Attribute" },
          parsingSucceeded: true,
        },
      },
    ];
    for (const c of cases) {
      it(`should send ${c.name} as ${c.method} ${c.path.replace(SP, "{sp}").replace(JOB, "{job}")}`, async () => {
        server.enqueue(c.reply ?? { status: 204 });
        const result = await c.call(client());
        const [req] = server.requests;
        expect(server.requests).to.have.length(1);
        expect(req.method).to.equal(c.method);
        expect(req.path).to.equal(c.path);
        expect(req.headers.authorization).to.equal("Bearer test-token");
        if (c.body === undefined) expect(req.body).to.equal("");
        else expect(JSON.parse(req.body)).to.deep.equal(c.body);
        expect(result).to.deep.equal(c.result);
      });
    }

    it("should use the beta base URL when asked", async () => {
      server.enqueue({ status: 200, body: { id: "x" } });
      await client({ apiVersion: "beta" }).getApplication("x");
      expect(server.requests[0].path).to.equal("/beta/applications/x");
    });

    it("should percent-encode path segments so an id cannot change the path", async () => {
      server.enqueue({ status: 200, body: job });
      await client().getSynchronizationJob("a/b", "c?d#e");
      expect(server.requests[0].url).to.equal("/v1.0/servicePrincipals/a%2Fb/synchronization/jobs/c%3Fd%23e");
      expect(() => client().getApplication("..")).to.throw(/applicationObjectId must be a non-empty id/);
    });

    it("should reject validateCredentials without jobId or templateId before sending", async () => {
      const err = await client()
        .validateCredentials(SP, {})
        .catch((e) => e);
      expect(err.message).to.match(/needs jobId .* or templateId/);
      expect(server.requests).to.have.length(0);
    });
  });

  describe("$filter and paging", () => {
    it("should escape single quotes by doubling them in $filter", async () => {
      server.enqueue({ status: 200, body: { value: [{ id: "a1" }] } });
      const apps = await client().listApplicationsByNameAndTemplate("O'Brien's app", "8b1025e4");
      expect(apps).to.deep.equal([{ id: "a1" }]);
      expect(server.requests[0].path).to.equal("/v1.0/applications");
      expect(server.requests[0].query.get("$filter")).to.equal(
        "displayName eq 'O''Brien''s app' and applicationTemplateId eq '8b1025e4'",
      );
      // Spaces travel as %20, never as "+", and `$` stays literal.
      expect(server.requests[0].url).to.match(/^\/v1\.0\/applications\?\$filter=displayName%20eq%20/);
      expect(odataString("it's")).to.equal("'it''s'");
    });

    it("should follow @odata.nextLink through every page, requesting each link as given", async () => {
      const next1 = `${server.url}/v1.0/servicePrincipals/${SP}/synchronization/jobs?$skiptoken=abc%3D%3D`;
      const next2 = `${server.url}/v1.0/servicePrincipals/${SP}/synchronization/jobs?$skiptoken=def`;
      server.enqueue(
        { status: 200, body: { value: [{ id: "j1" }, { id: "j2" }], "@odata.nextLink": next1 } },
        { status: 200, body: { value: [], "@odata.nextLink": next2 } },
        { status: 200, body: { value: [{ id: "j3" }] } },
      );
      const jobs = await client().listSynchronizationJobs(SP);
      expect(jobs.map((j) => j.id)).to.deep.equal(["j1", "j2", "j3"]);
      expect(server.requests.map((r) => r.url)).to.deep.equal([
        `/v1.0/servicePrincipals/${SP}/synchronization/jobs`,
        `/v1.0/servicePrincipals/${SP}/synchronization/jobs?$skiptoken=abc%3D%3D`,
        `/v1.0/servicePrincipals/${SP}/synchronization/jobs?$skiptoken=def`,
      ]);
      expect(server.requests.every((r) => r.headers.authorization === "Bearer test-token")).to.equal(true);
    });

    it("should page application templates with the raw $filter and sync templates", async () => {
      server.enqueue(
        {
          status: 200,
          body: {
            value: [{ id: "t1" }],
            "@odata.nextLink": `${server.url}/v1.0/applicationTemplates?$skip=1`,
          },
        },
        { status: 200, body: { value: [{ id: "t2" }] } },
        { status: 200, body: { value: [{ id: "aws", default: true }] } },
      );
      const g = client();
      expect((await g.listApplicationTemplates("displayName eq 'AWS'")).map((t) => t.id)).to.deep.equal([
        "t1",
        "t2",
      ]);
      expect(server.requests[0].query.get("$filter")).to.equal("displayName eq 'AWS'");
      expect(server.requests[1].url).to.equal("/v1.0/applicationTemplates?$skip=1");
      expect(await g.listSynchronizationTemplates(SP)).to.deep.equal([{ id: "aws", default: true }]);
      expect(server.requests[2].path).to.equal(`/v1.0/servicePrincipals/${SP}/synchronization/templates`);
    });

    it("should refuse to send the token to a nextLink on another origin", async () => {
      server.enqueue({ status: 200, body: { value: [], "@odata.nextLink": "https://evil.example/v1.0/x" } });
      const err = await client()
        .listApplicationTemplates()
        .catch((e) => e);
      expect(err.message).to.match(/Refusing to follow @odata.nextLink to https:\/\/evil.example/);
      expect(server.requests).to.have.length(1);
    });

    it("should build the provisioning-log query and continue from a nextLink", async () => {
      const next = `${server.url}/v1.0/auditLogs/provisioning?$skiptoken=p2`;
      server.enqueue(
        { status: 200, body: { value: [{ id: "e1" }], "@odata.nextLink": next } },
        { status: 200, body: { value: [{ id: "e2" }] } },
      );
      const g = client();
      const page1 = await g.listProvisioningEventsPage({
        servicePrincipalId: SP,
        jobId: JOB,
        since: "2026-01-01T00:00:00Z",
        until: "2026-01-02T00:00:00.000Z",
        status: "failure",
        top: 50,
      });
      expect(page1).to.deep.equal({ value: [{ id: "e1" }], nextLink: next });
      const q = server.requests[0].query;
      expect(server.requests[0].path).to.equal("/v1.0/auditLogs/provisioning");
      expect(q.get("$filter")).to.equal(
        `servicePrincipal/id eq '${SP}' and jobId eq '${JOB}' and activityDateTime gt 2026-01-01T00:00:00.000Z` +
          ` and activityDateTime lt 2026-01-02T00:00:00.000Z and provisioningStatusInfo/status eq 'failure'`,
      );
      expect(q.get("$top")).to.equal("50");
      expect(q.get("$orderby")).to.equal("activityDateTime desc");
      const page2 = await g.listProvisioningEventsPage({ servicePrincipalId: SP }, page1.nextLink);
      expect(page2).to.deep.equal({ value: [{ id: "e2" }] });
      expect(server.requests[1].url).to.equal("/v1.0/auditLogs/provisioning?$skiptoken=p2");
    });

    it("should reject bad log queries naming the field", () => {
      expect(() => provisioningLogFilter({ since: "yesterday" })).to.throw(/since must be an ISO 8601/);
      expect(() => provisioningLogFilter({ status: "bad" as never })).to.throw(
        /status must be one of success/,
      );
      expect(provisioningLogFilter({})).to.equal(undefined);
      expect(provisioningLogFilter({ jobId: "a'b" })).to.equal("jobId eq 'a''b'");
    });
  });

  describe("errors", () => {
    it("should map Graph's error envelope, with the request-id header", async () => {
      server.enqueue({
        status: 400,
        body: graphErrorBody("BadRequest", "The credentials are invalid.", "rid-in-body"),
        headers: { "request-id": "rid-header-1" },
      });
      const err = await client()
        .putSynchronizationSecrets(SP, [{ key: "BaseAddress", value: "https://x" }])
        .catch((e) => e);
      expect(isGraphError(err)).to.equal(true);
      expect(err).to.be.instanceOf(GraphError);
      expect(err.name).to.equal("GraphError");
      expect(err.statusCode).to.equal(400);
      expect(err.code).to.equal("BadRequest");
      expect(err.requestId).to.equal("rid-header-1");
      expect(err.method).to.equal("PUT");
      expect(err.path).to.equal(`/servicePrincipals/${SP}/synchronization/secrets`);
      expect(err.date).to.equal("2026-01-01T00:00:00");
      expect(err.message).to.equal(
        `PUT /servicePrincipals/${SP}/synchronization/secrets: 400 BadRequest: The credentials are invalid. (request-id rid-header-1)`,
      );
      expect(server.requests).to.have.length(1);
    });

    it("should take the request-id from innerError when the header is missing, and keep the inner code", async () => {
      server.enqueue({
        status: 404,
        body: {
          error: {
            code: "Request_ResourceNotFound",
            message: "Resource 'x' does not exist.",
            innerError: { "request-id": "rid-2", code: "NotFoundInner" },
            details: [{ code: "D1", message: "detail", target: "id" }],
          },
        },
      });
      const err = await client()
        .getApplication("x")
        .catch((e) => e);
      expect(err.statusCode).to.equal(404);
      expect(err.code).to.equal("Request_ResourceNotFound");
      expect(err.requestId).to.equal("rid-2");
      expect(err.innerCode).to.equal("NotFoundInner");
      expect(err.details).to.deep.equal([{ code: "D1", message: "detail", target: "id" }]);
      expect(err.message).to.equal(
        "GET /applications/x: 404 Request_ResourceNotFound: Resource 'x' does not exist. (request-id rid-2)",
      );
    });

    it("should map a non-JSON error body using the status text", async () => {
      server.enqueue({ status: 409, body: "<html>conflict</html>" });
      const err = await client()
        .deleteApplication("x")
        .catch((e) => e);
      expect(err.code).to.equal("Conflict");
      expect(err.message).to.equal("DELETE /applications/x: 409 Conflict: <html>conflict</html>");
    });

    it("should report a success body that is not JSON as PARSE_ERROR", async () => {
      server.enqueue({ status: 200, body: "{not json" });
      const err = await client()
        .getApplication("x")
        .catch((e) => e);
      expect(err.code).to.equal(GraphError.PARSE_ERROR);
      expect(err.statusCode).to.equal(200);
      expect(server.requests).to.have.length(1);
    });

    it("should name the missing permissions on 401/403 of synchronization calls", async () => {
      server.enqueue({ status: 401, body: graphErrorBody("Unauthorized", "Insufficient privileges.") });
      const err = await client()
        .createSynchronizationJob(SP, "aws")
        .catch((e) => e);
      expect(err.message).to.match(/401 Unauthorized: Insufficient privileges\./);
      expect(err.message).to.contain("Synchronization.ReadWrite.All");
      expect(err.message).to.contain("Application.ReadWrite.OwnedBy");
      server.enqueue({ status: 403, body: graphErrorBody("Authorization_RequestDenied", "Denied.") });
      const err2 = await client()
        .startSynchronizationJob(SP, JOB)
        .catch((e) => e);
      expect(err2.message).to.contain("Synchronization.ReadWrite.All");
    });

    it("should name AuditLog.Read.All and Directory.Read.All on 403 of the provisioning logs", async () => {
      server.enqueue({
        status: 403,
        body: graphErrorBody("Authentication_RequestFromNonPremiumTenantOrB2CTenant", "No."),
      });
      const err = await client()
        .listProvisioningEventsPage({})
        .catch((e) => e);
      expect(err.message).to.contain("AuditLog.Read.All");
      expect(err.message).to.contain("Directory.Read.All");
      expect(err.message).not.to.contain("Synchronization.ReadWrite.All");
    });

    it("should not add a permission hint to other statuses", async () => {
      server.enqueue({ status: 400, body: graphErrorBody("BadRequest", "Nope.") });
      const err = await client()
        .createSynchronizationJob(SP, "aws")
        .catch((e) => e);
      expect(err.message).not.to.contain("Synchronization.ReadWrite.All");
      expect(err.hint).to.equal(undefined);
    });
  });

  describe("retries over HTTP", () => {
    it("should wait x-ms-retry-after-ms, then Retry-After seconds, then an HTTP date", async () => {
      server.enqueue(
        {
          status: 429,
          body: graphErrorBody("TooManyRequests", "Slow down."),
          headers: { "x-ms-retry-after-ms": "750", "Retry-After": "9" },
        },
        { status: 503, body: graphErrorBody("ServiceUnavailable", "Busy."), headers: { "Retry-After": "3" } },
        { status: 504, body: "", headers: { "Retry-After": new Date(clock + 20_000).toUTCString() } },
        { status: 200, body: { id: JOB, templateId: "aws" } },
      );
      const getToken = sinon.stub().callsFake(async () => `tok-${getToken.callCount}`);
      const jobResult = await client({ getToken }).getSynchronizationJob(SP, JOB);
      expect(jobResult.id).to.equal(JOB);
      // The date is 20 s after the first attempt, which was 3.75 s of waiting ago.
      expect(sleeps).to.deep.equal([750, 3_000, 16_250]);
      expect(server.requests).to.have.length(4);
      // A token is fetched for every attempt (the cache decides whether that is a network call).
      expect(getToken.callCount).to.equal(4);
      expect(server.requests.map((r) => r.headers.authorization)).to.deep.equal([
        "Bearer tok-1",
        "Bearer tok-2",
        "Bearer tok-3",
        "Bearer tok-4",
      ]);
    });

    // Issue 10 item 1: only 429 is retried on a POST; a 5xx may come after the backend acted.
    it("should retry a 429 on a POST, but hand a 503, 504, 500 or 502 on a POST to the caller", async () => {
      server.enqueue(
        { status: 429, body: graphErrorBody("TooManyRequests", "Slow."), headers: { "Retry-After": "2" } },
        { status: 201, body: { application: { id: "a" }, servicePrincipal: { id: "s" } } },
      );
      const made = await client().instantiateApplicationTemplate("tpl", "x");
      expect(made.application.id).to.equal("a");
      expect(sleeps).to.deep.equal([2_000]);
      for (const status of [503, 504, 500, 502]) {
        server.requests.length = 0;
        server.enqueue({ status, body: graphErrorBody("Busy", "Later."), headers: { "Retry-After": "1" } });
        const err = await client()
          .createSynchronizationJob(SP, "aws")
          .catch((e) => e);
        expect(err.statusCode, `${status}`).to.equal(status);
        expect(server.requests, `${status} sent once`).to.have.length(1);
      }
      expect(sleeps).to.deep.equal([2_000]);
    });

    it("should retry validateCredentials (sideEffectFree) after a 503, a 500 and a reset", async () => {
      server.enqueue(
        { status: 503, body: graphErrorBody("ServiceUnavailable", "Busy."), headers: { "Retry-After": "1" } },
        { status: 500, body: graphErrorBody("InternalServerError", "Oops.") },
        { reset: true },
        { status: 204 },
      );
      await client().validateCredentials(SP, {
        jobId: JOB,
        credentials: [{ key: "SecretToken", value: "validate-me-please" }],
      });
      expect(server.requests.map((r) => r.method)).to.deep.equal(["POST", "POST", "POST", "POST"]);
      expect(sleeps).to.have.length(3);
    });

    // Issue 10 item 2: no zero-delay loop, whatever the wait headers say.
    it("should wait at least the backoff minimum on Retry-After 0, negative, a past date, x-ms-retry-after-ms 0", async () => {
      server.enqueue(
        { status: 429, body: "", headers: { "Retry-After": "0" } },
        { status: 429, body: "", headers: { "Retry-After": "-5" } },
        { status: 429, body: "", headers: { "Retry-After": new Date(clock - 60_000).toUTCString() } },
        { status: 429, body: "", headers: { "x-ms-retry-after-ms": "0" } },
        { status: 503, body: "", headers: { "x-ms-retry-after-ms": "0", "Retry-After": "0" } },
        { status: 204 },
      );
      await client({ retry: { throttling: { random: () => 0 } } }).deleteApplication("x");
      expect(server.requests).to.have.length(6);
      // The exponential backoff, as if no wait had been named: 0.5, 1, 2, 4, 8 s with random() = 0.
      expect(sleeps).to.deep.equal([500, 1_000, 2_000, 4_000, 8_000]);
    });

    // Issue 10 item 6: a cached token that Graph rejects is replaced once.
    it("should drop a rejected cached token, get a new one and send once more", async () => {
      const issued = ["revoked-token-1", "fresh-token-2", "fresh-token-3"];
      const credential = {
        getToken: sinon
          .stub()
          .callsFake(async () => ({ token: issued.shift()!, expiresOnTimestamp: clock + 3_600_000 })),
      };
      const cache = new AccessTokenCache(credential, "https://graph.example.test/.default", {
        now: () => clock,
      });
      expect(await cache.getToken()).to.equal("revoked-token-1"); // cached by an earlier call
      const invalid = graphErrorBody(
        "InvalidAuthenticationToken",
        "Access token has expired or is not yet valid.",
      );
      server.enqueue({ status: 401, body: invalid }, { status: 200, body: { id: SP } });
      const g = client({ getToken: () => cache.getToken(), invalidateToken: (t) => cache.invalidate(t) });
      const sp = await g.getServicePrincipal(SP);
      expect(sp.id).to.equal(SP);
      expect(server.requests.map((r) => r.headers.authorization)).to.deep.equal([
        "Bearer revoked-token-1",
        "Bearer fresh-token-2",
      ]);
      expect(credential.getToken.callCount).to.equal(2);
      // Later calls use the new token from the cache.
      server.enqueue({ status: 200, body: { id: SP } });
      await g.getServicePrincipal(SP);
      expect(server.requests[2].headers.authorization).to.equal("Bearer fresh-token-2");
      expect(sleeps).to.deep.equal([]);
    });

    it("should renew a rejected token only once: a second 401 fails with the hint", async () => {
      const invalid = graphErrorBody("InvalidAuthenticationToken", "Access token validation failure.");
      server.enqueue({ status: 401, body: invalid }, { status: 401, body: invalid });
      const getToken = sinon.stub().callsFake(async () => `tok-${getToken.callCount}`);
      const invalidateToken = sinon.spy();
      const err = await client({ getToken, invalidateToken })
        .startSynchronizationJob(SP, JOB)
        .catch((e) => e);
      expect(err.statusCode).to.equal(401);
      expect(err.message).to.contain("the access token was rejected; check tenantId");
      expect(server.requests).to.have.length(2);
      expect(invalidateToken.args).to.deep.equal([["tok-1"]]);
      // A 401 about permissions (not the token) is not retried at all.
      server.enqueue({ status: 401, body: graphErrorBody("Unauthorized", "Insufficient privileges.") });
      await client({ getToken })
        .getSynchronizationJob(SP, JOB)
        .catch((e) => e);
      expect(server.requests).to.have.length(3);
    });

    it("should back off on a 429 without any wait header", async () => {
      server.enqueue({ status: 429, body: "" }, { status: 204 });
      await client({ retry: { throttling: { random: () => 0.999999 } } }).deleteApplication("x");
      expect(sleeps).to.deep.equal([1000]);
    });

    it("should give up throttling at the elapsed-time limit", async () => {
      server.setFallback({
        status: 429,
        body: graphErrorBody("TooManyRequests", "Slow."),
        headers: { "Retry-After": "20" },
      });
      const err = await client({ retry: { throttling: { maxElapsedMs: 60_000 } } })
        .getApplication("x")
        .catch((e) => e);
      server.setFallback({ status: 599 });
      expect(sleeps).to.deep.equal([20_000, 20_000, 20_000]);
      expect(server.requests).to.have.length(4);
      expect(err.statusCode).to.equal(429);
      expect(err.attempts).to.equal(4);
      expect(err.message).to.match(/gave up: still throttled after 60 s/);
    });

    for (const method of ["GET", "PUT", "PATCH", "DELETE"] as const) {
      it(`should retry a connection reset and a 502 on ${method}`, async () => {
        server.enqueue(
          { reset: true },
          { status: 502, body: "" },
          { status: method === "GET" ? 200 : 204, body: method === "GET" ? { id: "x" } : undefined },
        );
        const g = client({ retry: { transient: { random: () => 0 } } });
        const call = {
          GET: () => g.getApplication("x"),
          PUT: () => g.putSynchronizationSecrets(SP, [{ key: "SyncAll", value: "true" }]),
          PATCH: () => g.updateApplication("x", { displayName: "y" }),
          DELETE: () => g.deleteApplication("x"),
        }[method];
        await call();
        expect(server.requests.map((r) => r.method)).to.deep.equal([method, method, method]);
        expect(sleeps).to.deep.equal([500, 1000]);
      });
    }

    it("should not retry a 500 or a connection reset on POST", async () => {
      server.enqueue({ status: 500, body: graphErrorBody("InternalServerError", "Oops.") });
      const err = await client()
        .instantiateApplicationTemplate("tpl", "x")
        .catch((e) => e);
      expect(err.statusCode).to.equal(500);
      server.enqueue({ reset: true });
      const err2 = await client()
        .startSynchronizationJob(SP, JOB)
        .catch((e) => e);
      expect(err2.statusCode).to.equal(0);
      expect(err2.code).to.equal(GraphError.REQUEST_SEND_ERROR);
      expect(err2.message).to.match(
        new RegExp(
          `^POST /servicePrincipals/${SP}/synchronization/jobs/${JOB.replace(/\./g, "\\.")}/start: no response REQUEST_SEND_ERROR: `,
        ),
      );
      expect(server.requests).to.have.length(2);
      expect(sleeps).to.deep.equal([]);
    });

    it("should give up on a GET after 4 attempts of 500", async () => {
      server.setFallback({ status: 500, body: graphErrorBody("InternalServerError", "Oops.") });
      const err = await client()
        .getServicePrincipal(SP)
        .catch((e) => e);
      server.setFallback({ status: 599 });
      expect(server.requests).to.have.length(4);
      expect(err.attempts).to.equal(4);
      expect(err.message).to.match(/gave up after 4 attempts/);
    });

    for (const status of [400, 401, 403, 404, 409]) {
      it(`should not retry ${status}`, async () => {
        server.enqueue({ status, body: graphErrorBody("X", "no") });
        const err = await client()
          .getApplication("x")
          .catch((e) => e);
        expect(err.statusCode).to.equal(status);
        expect(server.requests).to.have.length(1);
        expect(sleeps).to.deep.equal([]);
      });
    }

    it("should time out a request that gets no response, and not retry it on POST", async () => {
      server.enqueue({ hang: true });
      const err = await client({ timeoutMs: 150 })
        .pauseSynchronizationJob(SP, JOB)
        .catch((e) => e);
      expect(err.code).to.equal(GraphError.TIMEOUT);
      expect(err.statusCode).to.equal(0);
      expect(err.message).to.contain("no complete response within 150 ms");
      expect(server.requests).to.have.length(1);
    });

    it("should retry a timed-out GET", async () => {
      server.enqueue({ hang: true }, { status: 200, body: { id: SP } });
      const sp = await client({ timeoutMs: 150 }).getServicePrincipal(SP);
      expect(sp.id).to.equal(SP);
      expect(server.requests).to.have.length(2);
      expect(sleeps).to.have.length(1);
    });

    it("should pass a token failure through without sending or retrying", async () => {
      const getToken = sinon.stub().rejects(new Error("AADSTS7000215: Invalid client secret provided."));
      const err = await client({ getToken })
        .getApplication("x")
        .catch((e) => e);
      expect(err.message).to.equal("AADSTS7000215: Invalid client secret provided.");
      expect(getToken.callCount).to.equal(1);
      expect(server.requests).to.have.length(0);
    });

    it("should not hold other writes for one 429 under the default pacer, only count it", async () => {
      const pacer = new RequestPacer({ now: () => clock, sleep: async (ms) => void (clock += ms) });
      server.enqueue({ status: 429, body: "", headers: { "x-ms-retry-after-ms": "400" } }, { status: 204 });
      await client({ pacer }).deleteApplication("x");
      expect(pacer.state("write")).to.include({ intervalMs: 0, blockedUntil: 0, recentThrottled: 1 });
      expect(sleeps).to.deep.equal([400]);
    });

    // Issue 10 item 3: Retry-After 3600 on a throttled lane must not hold the waiting requests for an hour.
    it("should fail waiting requests at once, saying so, when a Retry-After holds their lane past their budget", async () => {
      const pacerSleeps: number[] = [];
      const pacer = new RequestPacer({
        now: () => clock,
        // The pacer's own wait never ends here: only a refusal can settle the waiters.
        sleep: (ms) => new Promise(() => void pacerSleeps.push(ms)),
        evidenceThreshold: 1,
      });
      let answer!: () => void;
      const gate = new Promise<void>((resolve) => (answer = resolve));
      server.enqueue(async () => {
        await gate;
        return {
          status: 429,
          body: graphErrorBody("TooManyRequests", "Slow."),
          headers: { "Retry-After": "3600" },
        };
      });
      const g = client({ pacer });
      const inFlight = g.deleteApplication("first").catch((e) => e);
      while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      pacer.onThrottled("write", 30_000); // the lane is throttled: others queue for 30 s
      const waiting = ["a", "b", "c"].map((id) => g.deleteApplication(id).catch((e) => e));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pacer.state("write").waiting).to.equal(3);
      answer();
      const errors = await Promise.all(waiting);
      for (const err of errors) {
        expect(isGraphError(err)).to.equal(true);
        expect(err.statusCode).to.equal(429);
        expect(err.code).to.equal(GraphError.THROTTLED);
        expect(err.message).to.match(
          /^DELETE \/applications\/[abc]: 429 THROTTLED: not sent: Graph throttled the writes/,
        );
        expect(err.message).to.contain("(write lane), which wait 3600 s more");
        expect(err.message).to.contain("Run again after");
      }
      const first = await inFlight;
      expect(first.message).to.match(/gave up: still throttled after 0 s, and asked to wait 3600 s more/);
      expect(server.requests, "nothing else was sent").to.have.length(1);
      expect(sleeps, "no retry wait").to.deep.equal([]);
      expect(clock, "no time passed on the fake clock").to.equal(Date.parse("2026-01-01T00:00:00Z"));
    });

    it("should tell the shared pacer about throttling so other writes wait", async () => {
      const pacer = new RequestPacer({
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
        evidenceThreshold: 1,
      });
      server.enqueue({ status: 429, body: "", headers: { "x-ms-retry-after-ms": "400" } }, { status: 204 });
      const start = clock;
      await client({ pacer }).deleteApplication("x");
      expect(pacer.state("write").intervalMs).to.be.greaterThan(0);
      expect(pacer.state("write").blockedUntil).to.equal(start + 400);
      expect(pacer.state("read").intervalMs).to.equal(0);
    });
  });
});

describe("graphClientFor", () => {
  const base = {
    tenantId: "11111111-2222-3333-4444-555555555555",
    clientId: "66666666-7777-8888-9999-000000000000",
    clientSecret: "shared-client-secret-value",
    authorityHost: "https://login.example.test",
    graphEndpoint: "https://graph.example.test",
    apiVersion: "v1.0" as "v1.0" | "beta",
    requestTimeoutSeconds: 60,
    replicationTimeoutSeconds: 120,
  };
  afterEach(() => resetGraphCaches());

  it("should hand every equal connection the same client, and a different one to another connection", () => {
    const a = graphClientFor({ ...base });
    const b = graphClientFor({ ...base, tenantId: "aaaaaaaa-2222-3333-4444-555555555555" });
    expect(b).not.to.equal(a);
    // Alternating lookups (the one-entry memo changes each time) still find the right clients.
    expect(graphClientFor({ ...base })).to.equal(a);
    expect(graphClientFor({ ...base, tenantId: "aaaaaaaa-2222-3333-4444-555555555555" })).to.equal(b);
    expect(graphClientFor({ ...base, clientSecret: "rotated-client-secret-value" })).not.to.equal(a);
    expect(graphClientFor({ ...base, apiVersion: "beta" as const })).not.to.equal(a);
  });

  it("should build a new client after the caches are cleared", () => {
    const a = graphClientFor({ ...base });
    clearGraphClients();
    expect(graphClientFor({ ...base })).not.to.equal(a);
  });
});
