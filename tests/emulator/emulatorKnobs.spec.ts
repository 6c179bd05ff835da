/**
 * Each knob of the emulator: replication delay, throttling (injected 429s and Graph-limits mode), every
 * fault kind, the request log, tenant isolation, and the control API mirroring the handle over HTTPS.
 */
import { expect } from "chai";
import { connectEmulator, startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

const AWS = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const OTHER_TENANT = {
  tenantId: "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
  clientId: "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6",
  clientSecret: "second-tenant-secret",
};

describe("emulator: knobs @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;
  let n = 0;
  const instantiate = async (client = graph) => {
    const res = await client.call<{ application: { id: string }; servicePrincipal: { id: string } }>(
      "POST",
      `/applicationTemplates/${AWS}/instantiate`,
      {
        displayName: `Knob app ${++n}`,
      },
    );
    expect(res.status).to.equal(201);
    return { appId: res.body.application.id, spId: res.body.servicePrincipal.id };
  };

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    graph = new EmulatorTestClient(emulator);
  });
  beforeEach(() => {
    emulator.reset();
    emulator.configure({ replicationDelayMs: 0, graphLimits: null });
  });
  after(() => emulator.stop());

  describe("replication delay", () => {
    it("should answer 404 for a new object and its sub-resources until the delay has passed", async () => {
      emulator.configure({ replicationDelayMs: 400 });
      const { appId, spId } = await instantiate();
      const sp = await graph.call<{ error: { code: string } }>("GET", `/servicePrincipals/${spId}`);
      expect([sp.status, sp.body.error.code]).to.deep.equal([404, "Request_ResourceNotFound"]);
      expect((await graph.call("GET", `/applications/${appId}`)).status).to.equal(404);
      const job = await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs`, {
        templateId: "aws",
      });
      expect(job.status).to.equal(404);
      const listed = await graph.call<{ value: unknown[] }>("GET", "/applications");
      expect(listed.body.value).to.have.length(0);
      const ready = await eventually(async () => {
        const r = await graph.call("GET", `/servicePrincipals/${spId}`);
        return r.status === 200 ? r : undefined;
      });
      expect(ready.status).to.equal(200);
      expect(
        (await graph.call("POST", `/servicePrincipals/${spId}/synchronization/jobs`, { templateId: "aws" }))
          .status,
      ).to.equal(201);
    });
  });

  describe("throttling", () => {
    it("should answer injected 429s with Retry-After and x-ms-retry-after-ms, then recover", async () => {
      emulator.injectFault({
        method: "GET",
        pathPattern: "/v1.0/applications",
        status: 429,
        retryAfterMs: 250,
        count: 2,
      });
      const first = await graph.call<{ error: { code: string } }>("GET", "/applications");
      expect(first.status).to.equal(429);
      expect(first.body.error.code).to.equal("TooManyRequests");
      expect(first.headers["retry-after"]).to.equal("1");
      expect(first.headers["x-ms-retry-after-ms"]).to.equal("250");
      expect((await graph.call("GET", "/applications")).status).to.equal(429);
      expect((await graph.call("GET", "/applications")).status).to.equal(200);
    });

    it("should enforce a write bucket per tenant + app in Graph-limits mode, leaving reads alone", async () => {
      const { appId } = await instantiate();
      emulator.configure({ graphLimits: { writeCapacity: 3, writeRefillPerSecond: 0.5, logsPer10s: 2 } });
      for (let i = 0; i < 3; i++) {
        expect(
          (await graph.call("PATCH", `/applications/${appId}`, { displayName: `Renamed ${i}` })).status,
        ).to.equal(204);
      }
      const throttled = await graph.call<{ error: { code: string } }>("PATCH", `/applications/${appId}`, {
        displayName: "One too many",
      });
      expect(throttled.status).to.equal(429);
      expect(Number(throttled.headers["x-ms-retry-after-ms"])).to.be.greaterThan(0);
      expect(Number(throttled.headers["retry-after"])).to.be.at.least(1);
      expect((await graph.call("GET", `/applications/${appId}`)).status).to.equal(200);
      // Another tenant has its own bucket.
      emulator.addTenant(OTHER_TENANT);
      const other = new EmulatorTestClient({ ...emulator.info(), ...OTHER_TENANT });
      await instantiate(other);
    });

    it("should allow the configured number of provisioning-log reads per 10 s in Graph-limits mode", async () => {
      emulator.configure({ graphLimits: { writeCapacity: 100, writeRefillPerSecond: 1, logsPer10s: 2 } });
      expect((await graph.call("GET", "/auditLogs/provisioning")).status).to.equal(200);
      expect((await graph.call("GET", "/auditLogs/provisioning")).status).to.equal(200);
      const third = await graph.call("GET", "/auditLogs/provisioning");
      expect(third.status).to.equal(429);
      expect(Number(third.headers["x-ms-retry-after-ms"])).to.be.within(1, 10_000);
    });
  });

  describe("faults", () => {
    it("status: should answer the injected status in Graph's envelope without applying the operation", async () => {
      emulator.injectFault({
        method: "POST",
        pathPattern: "/instantiate$",
        status: 503,
        retryAfterSeconds: 3,
      });
      const res = await graph.call<{ error: { code: string; innerError: Record<string, string> } }>(
        "POST",
        `/applicationTemplates/${AWS}/instantiate`,
        {
          displayName: "Not created",
        },
      );
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal("ServiceUnavailable");
      expect(res.headers["retry-after"]).to.equal("3");
      expect(res.body.error.innerError["request-id"]).to.equal(res.headers["request-id"]);
      expect(emulator.state().applications).to.have.length(0);
    });

    it("reset: should destroy the connection without applying the operation", async () => {
      emulator.injectFault({ method: "POST", pathPattern: "instantiate", kind: "reset" });
      let error: NodeJS.ErrnoException | undefined;
      await graph
        .call("POST", `/applicationTemplates/${AWS}/instantiate`, { displayName: "Reset" })
        .catch((e: NodeJS.ErrnoException) => (error = e));
      expect(error?.code).to.be.oneOf(["ECONNRESET", "EPIPE"]);
      expect(emulator.state().applications).to.have.length(0);
      expect(emulator.requestLog().at(-1)).to.include({ method: "POST", status: 0, fault: "reset" });
    });

    it("dropResponse: should apply the operation, then drop the response", async () => {
      emulator.injectFault({ method: "POST", pathPattern: "instantiate", kind: "dropResponse" });
      let error: NodeJS.ErrnoException | undefined;
      await graph
        .call("POST", `/applicationTemplates/${AWS}/instantiate`, { displayName: "Dropped" })
        .catch((e: NodeJS.ErrnoException) => (error = e));
      expect(error?.code).to.equal("ECONNRESET");
      const apps = emulator.state().applications;
      expect(apps.map((a) => a.displayName)).to.deep.equal(["Dropped"]);
      expect(emulator.requestLog().at(-1)).to.include({ method: "POST", status: 201, fault: "dropResponse" });
    });

    it("applyThenStatus: should apply the operation, then answer the status in Graph's envelope", async () => {
      emulator.injectFault({
        method: "POST",
        pathPattern: "instantiate",
        kind: "applyThenStatus",
        status: 502,
      });
      const res = await graph.call<{ error: { code: string } }>(
        "POST",
        `/applicationTemplates/${AWS}/instantiate`,
        {
          displayName: "Applied behind a gateway",
        },
      );
      expect(res.status).to.equal(502);
      expect(res.body.error.code).to.equal("BadGateway");
      expect(emulator.state().applications.map((a) => a.displayName)).to.deep.equal([
        "Applied behind a gateway",
      ]);
      expect(emulator.requestLog().at(-1)).to.include({
        method: "POST",
        status: 201,
        fault: "applyThenStatus",
      });
      emulator.injectFault({ method: "POST", pathPattern: "instantiate", kind: "applyThenStatus" });
      const gateway = await graph.call("POST", `/applicationTemplates/${AWS}/instantiate`, {
        displayName: "Second",
      });
      expect(gateway.status, "504 by default").to.equal(504);
      expect(emulator.state().applications).to.have.length(2);
    });

    it("should send a Retry-After text as given (zero, negative, a past date)", async () => {
      const past = new Date(Date.now() - 3_600_000).toUTCString();
      for (const text of ["0", "-5", past]) {
        emulator.injectFault({
          method: "GET",
          pathPattern: "/v1.0/applications",
          status: 429,
          retryAfterText: text,
        });
        const res = await graph.call("GET", "/applications");
        expect(res.status).to.equal(429);
        expect(res.headers["retry-after"]).to.equal(text);
      }
      expect(() => emulator.injectFault({ pathPattern: "x", retryAfterText: "1\r\nX-Evil: 1" })).to.throw(
        /fault\.retryAfterText/,
      );
    });

    it("delay: should hold the request and then answer it normally", async () => {
      emulator.injectFault({ pathPattern: "/applicationTemplates$", kind: "delay", delayMs: 50 });
      expect((await graph.call("GET", "/applicationTemplates")).status).to.equal(200);
      expect(emulator.requestLog().at(-1)).to.include({
        path: "/v1.0/applicationTemplates",
        status: 200,
        fault: "delay",
      });
    });

    it("should match by method and pattern, use up count, and stop after clearFaults", async () => {
      emulator.injectFault({ method: "PATCH", pathPattern: "/applications/", status: 500, count: -1 });
      const { appId } = await instantiate();
      expect((await graph.call("GET", `/applications/${appId}`)).status).to.equal(200);
      expect((await graph.call("PATCH", `/applications/${appId}`, { displayName: "x" })).status).to.equal(
        500,
      );
      expect((await graph.call("PATCH", `/applications/${appId}`, { displayName: "x" })).status).to.equal(
        500,
      );
      emulator.clearFaults();
      expect((await graph.call("PATCH", `/applications/${appId}`, { displayName: "x" })).status).to.equal(
        204,
      );
    });

    it("should reject a fault with a bad field, naming it", () => {
      expect(() => emulator.injectFault({ pathPattern: "x", kind: "explode" as never })).to.throw(
        /fault\.kind: must be one of status, reset, delay, dropResponse/,
      );
      expect(() => emulator.injectFault({ pathPattern: "" })).to.throw(/fault\.pathPattern/);
    });
  });

  describe("request log", () => {
    it("should record method, path, status, time and tenant of Graph and token calls", async () => {
      emulator.clearRequestLog();
      await graph.call("GET", "/applications?$top=5");
      const log = emulator.requestLog();
      const entry = log.find((e) => e.path === "/v1.0/applications");
      expect(entry).to.include({
        method: "GET",
        query: "?$top=5",
        status: 200,
        kind: "graph",
        tenantId: emulator.tenantId,
      });
      expect(Number.isNaN(Date.parse(entry?.time ?? ""))).to.equal(false);
    });
  });

  describe("tenant isolation", () => {
    it("should keep each tenant's objects visible only to tokens of that tenant", async () => {
      emulator.addTenant(OTHER_TENANT);
      const other = new EmulatorTestClient({ ...emulator.info(), ...OTHER_TENANT });
      const { appId, spId } = await instantiate(other);
      expect((await other.call("GET", `/applications/${appId}`)).status).to.equal(200);
      expect((await graph.call("GET", `/applications/${appId}`)).status).to.equal(404);
      expect(
        (await graph.call("GET", `/servicePrincipals/${spId}/synchronization/templates`)).status,
      ).to.equal(404);
      expect((await graph.call<{ value: unknown[] }>("GET", "/applications")).body.value).to.have.length(0);
      expect(emulator.state(OTHER_TENANT.tenantId).applications).to.have.length(1);
      expect(emulator.state().applications).to.have.length(0);
      // A client of one tenant cannot get tokens for another.
      const cross = await graph.requestToken({ tenantId: OTHER_TENANT.tenantId });
      expect(cross.status).to.equal(400);
    });
  });

  describe("control API", () => {
    it("should mirror the handle over HTTPS", async () => {
      const control = connectEmulator(emulator.controlUrl, emulator.caFile, emulator.clientSecret);
      const info = await control.info();
      expect(info).to.include({
        graphEndpoint: emulator.graphEndpoint,
        tenantId: emulator.tenantId,
        port: emulator.port,
      });
      expect((await control.configure({ replicationDelayMs: 5 })).replicationDelayMs).to.equal(5);
      expect(emulator.config().replicationDelayMs).to.equal(5);
      await control.configure({ replicationDelayMs: 0 });
      await control.injectFault({ method: "GET", pathPattern: "applicationTemplates", status: 502 });
      expect(await control.listFaults()).to.have.length(1);
      expect((await graph.call("GET", "/applicationTemplates")).status).to.equal(502);
      const { spId } = await instantiate();
      await control.assign(spId, { users: 3 });
      const state = await control.state();
      expect(state.assignments.filter((a) => a.servicePrincipalId === spId)).to.have.length(2 + 1 + 3);
      expect((await control.requestLog()).length).to.be.greaterThan(0);
      await control.reset();
      expect((await control.state()).applications).to.have.length(0);
      expect(await control.requestLog()).to.deep.equal([]);
      await control.addTenant(OTHER_TENANT);
      expect(emulator.state(OTHER_TENANT.tenantId).clientIds).to.deep.equal([OTHER_TENANT.clientId]);
    });

    it("should answer bad control input with 400 naming the field", async () => {
      const control = connectEmulator(emulator.controlUrl, emulator.caFile, emulator.clientSecret);
      let message = "";
      await control.configure({ cycleTimeMs: -1 }).catch((e: Error) => (message = e.message));
      expect(message).to.match(/400: cycleTimeMs: must be a non-negative number/);
      await control
        .addTenant({ tenantId: "nope", clientId: OTHER_TENANT.clientId, clientSecret: "s" })
        .catch((e: Error) => (message = e.message));
      expect(message).to.match(/400: tenantId: must be a GUID/);
    });
  });
});
