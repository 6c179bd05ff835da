/**
 * Fault matrix (design.md §5, §8; issues 7 and 10): for every Graph call of an AppProvisioning up and
 * destroy, each fault of {429 with Retry-After, 500, 503, connection reset, timeout, apply then
 * drop the response, timeout but applied late, a storm of 429s with Retry-After 0, a storm with a
 * Retry-After date in the past} is injected; for every POST also "applied, then 500 / 502 / 504"; and
 * a Retry-After of an hour lands on a paced lane while other ups wait in it. The operation succeeds or
 * fails with a clear error, and after at most one rerun the tenant holds exactly the declared objects:
 * no orphan, no duplicate, no stuck 409. Runs the real providers in-process against the emulator, with
 * short timeouts and tiny backoff.
 */
import { expect } from "chai";
import type { FaultSpec } from "../../emulator";
import {
  CLIENT_TIMEOUT_MS,
  destroyApp,
  plainState,
  RELIABILITY_CREDENTIALS,
  startRig,
  upApp,
  type Rig,
  type RigState,
} from "./reliabilityRig";

/** One Graph call of the flow, as a fault target (method + path regex over `/v1.0/…`). */
interface GraphCall {
  phase: "up" | "destroy";
  name: string;
  method: string;
  pathPattern: string;
}

const SP = "/servicePrincipals/[^/]+";
const JOB = `${SP}/synchronization/jobs/[^/]+`;

const CALLS: GraphCall[] = [
  {
    phase: "up",
    name: "instantiate",
    method: "POST",
    pathPattern: "/applicationTemplates/[^/]+/instantiate$",
  },
  { phase: "up", name: "read service principal", method: "GET", pathPattern: `${SP}$` },
  { phase: "up", name: "create job", method: "POST", pathPattern: `${SP}/synchronization/jobs$` },
  { phase: "up", name: "validateCredentials", method: "POST", pathPattern: `${JOB}/validateCredentials$` },
  { phase: "up", name: "save secrets", method: "PUT", pathPattern: `${SP}/synchronization/secrets$` },
  { phase: "up", name: "read job before start", method: "GET", pathPattern: `${JOB}$` },
  { phase: "up", name: "start job", method: "POST", pathPattern: `${JOB}/start$` },
  { phase: "destroy", name: "pause job", method: "POST", pathPattern: `${JOB}/pause$` },
  { phase: "destroy", name: "clear secrets", method: "PUT", pathPattern: `${SP}/synchronization/secrets$` },
  { phase: "destroy", name: "delete job", method: "DELETE", pathPattern: `${JOB}$` },
  { phase: "destroy", name: "delete application", method: "DELETE", pathPattern: "/applications/[^/]+$" },
];

/** The read of the job after start is the second GET of the job: a fault with count 2 would hit both. */
const READ_AFTER_START: GraphCall = {
  phase: "up",
  name: "read job after start",
  method: "GET",
  pathPattern: `${JOB}$`,
};

const FAULTS: { name: string; spec: Omit<FaultSpec, "method" | "pathPattern"> }[] = [
  { name: "429 with Retry-After", spec: { kind: "status", status: 429, retryAfterMs: 30 } },
  { name: "500", spec: { kind: "status", status: 500 } },
  { name: "503", spec: { kind: "status", status: 503 } },
  { name: "connection reset", spec: { kind: "reset" } },
  { name: "timeout", spec: { kind: "delay", delayMs: CLIENT_TIMEOUT_MS + 300 } },
  { name: "apply then drop the response", spec: { kind: "dropResponse" } },
  // The client times out, and the server applies the request afterwards anyway. The held time is well
  // inside the rig's replication window, so a lost-POST lookup that keeps looking finds the late object.
  { name: "timeout, applied late", spec: { kind: "late", delayMs: CLIENT_TIMEOUT_MS + 300 } },
  // Issue 10: waits of zero or less must not make a hot loop (the client backs off instead).
  {
    name: "429 storm with Retry-After 0",
    spec: { kind: "status", status: 429, retryAfterText: "0", count: 6 },
  },
  {
    name: "429 storm with a past Retry-After date",
    spec: {
      kind: "status",
      status: 429,
      retryAfterText: new Date(Date.now() - 3_600_000).toUTCString(),
      count: 6,
    },
  },
];

/** Issue 10: a gateway answers 5xx after the backend applied a POST. Injected on every POST. */
const POST_FAULTS: typeof FAULTS = [500, 502, 504].map((status) => ({
  name: `applied, then ${status}`,
  spec: { kind: "applyThenStatus", status },
}));

describe("fault matrix: AppProvisioning up and destroy under injected faults @reliability @emulator", function () {
  this.timeout(20_000);
  let rig: Rig;
  /** Everything the runs wrote: plain state, error messages, client log lines. */
  const written: string[] = [];
  let scenarios = 0;

  before(async () => {
    rig = await startRig();
  });
  after(async () => {
    await rig?.emulator.stop();
  });
  beforeEach(() => {
    rig.emulator.reset();
    rig.renew();
  });

  /** Live applications, service principals and jobs with `displayName`. */
  function tenantHolds(displayName: string) {
    const snapshot = rig.emulator.state();
    const live = (o: Record<string, unknown>) =>
      o.deletedDateTime === null || o.deletedDateTime === undefined;
    const apps = snapshot.applications.filter((a) => live(a) && a.displayName === displayName);
    const sps = snapshot.servicePrincipals.filter((s) => live(s) && s.displayName === displayName);
    const spIds = new Set(sps.map((s) => String(s.id)));
    const jobs = snapshot.jobs.filter((j) => spIds.has(j.servicePrincipalId));
    const secrets = snapshot.secrets.filter((s) => spIds.has(s.servicePrincipalId));
    return { apps, sps, jobs, secrets, snapshot };
  }

  /** Runs `op`; on failure checks the error is clear and runs it once more (a rerun). */
  async function withOneRerun(op: () => Promise<void>): Promise<{ failedOnce: boolean }> {
    try {
      await op();
      return { failedOnce: false };
    } catch (error) {
      expect(error, "the failure is an Error").to.be.instanceOf(Error);
      const message = (error as Error).message;
      written.push(message, String((error as Error).stack));
      // Clear: says what failed, in words, not "[object Object]" or an empty message.
      expect(message.length, message).to.be.greaterThan(20);
      expect(message).to.not.match(/\[object Object\]|^undefined|^Error$/);
      rig.renew(); // the rerun is a new `pulumi up`: a fresh provider process
      await op();
      return { failedOnce: true };
    }
  }

  /**
   * For a "late" fault, waits until the held request has been applied (its request-log entry appears
   * then), so the tenant is judged with it in place — a duplicate it makes shows — and it cannot leak
   * into the next scenario.
   */
  async function lateRequestsApplied(fault: Omit<FaultSpec, "method" | "pathPattern">): Promise<void> {
    if (fault.kind !== "late") return;
    for (let polls = 0; !rig.emulator.requestLog().some((e) => e.fault === "late"); polls++) {
      if (polls >= 200) throw new Error("the late request was never applied");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  function expectExactlyDeclared(displayName: string): void {
    const { apps, sps, jobs, secrets } = tenantHolds(displayName);
    expect(apps, "applications named like the declared one").to.have.length(1);
    expect(sps, "service principals").to.have.length(1);
    expect(jobs, "synchronization jobs").to.have.length(1);
    expect(jobs[0].templateId).to.equal("aws");
    expect(jobs[0].schedule.state, "job started").to.equal("Active");
    expect(secrets.map((s) => s.key).sort()).to.deep.equal(Object.keys(RELIABILITY_CREDENTIALS).sort());
  }

  function expectNothingLeft(displayName: string): void {
    const { apps, sps, jobs } = tenantHolds(displayName);
    expect(apps, "live applications left").to.have.length(0);
    expect(sps, "live service principals left").to.have.length(0);
    expect(jobs, "jobs left").to.have.length(0);
  }

  const ALL_CALLS = [...CALLS.slice(0, 7), READ_AFTER_START, ...CALLS.slice(7)];
  const MATRIX = ALL_CALLS.flatMap((call) =>
    [...FAULTS, ...(call.method === "POST" ? POST_FAULTS : [])].map((fault) => ({ call, fault })),
  );
  for (const { call, fault } of MATRIX) {
    it(`should end with exactly the declared objects: ${call.phase}, ${fault.name} on ${call.name}`, async () => {
      scenarios++;
      const displayName = `Fault ${call.phase} ${call.name} ${fault.name}`;
      const state: RigState = {};
      const spec: FaultSpec = { ...fault.spec, method: call.method, pathPattern: call.pathPattern };
      if (call === READ_AFTER_START) {
        // Let the first read of the job pass; hit the second.
        spec.count ??= 1;
        rig.emulator.injectFault({
          method: "GET",
          pathPattern: call.pathPattern,
          kind: "delay",
          delayMs: 0,
          count: 1,
        });
      }
      if (call.phase === "up") {
        rig.emulator.injectFault(spec);
        await withOneRerun(() => upApp(rig, displayName, state));
        await lateRequestsApplied(fault.spec);
        written.push(plainState(state));
        expectExactlyDeclared(displayName);
      } else {
        await upApp(rig, displayName, state);
        expectExactlyDeclared(displayName);
        rig.emulator.injectFault(spec);
        await withOneRerun(() => destroyApp(rig, state));
        await lateRequestsApplied(fault.spec);
        written.push(plainState(state));
        expect(Object.keys(state), "resources still in state").to.deep.equal([]);
        expectNothingLeft(displayName);
      }
      const hit = rig.emulator.requestLog().filter((e) => e.fault !== undefined && e.fault !== "delay");
      if (fault.spec.kind !== "delay") expect(hit.length, "the fault was injected").to.be.greaterThan(0);
    });
  }

  // Issue 10: a Retry-After of an hour on a paced lane fails the ups waiting in it at once, saying so,
  // instead of holding them for an hour; the rerun (a new process, a new pacer) completes them.
  it("should fail ups waiting in a paced lane at once when Graph asks it to wait an hour, and complete them on a rerun", async () => {
    scenarios++;
    const names = [0, 1, 2, 3].map((i) => `Fault pacer lane hour ${i}`);
    const states: RigState[] = names.map(() => ({}));
    rig.renew({ evidenceThreshold: 1 });
    // The first 429 paces the write lane (held 200 ms); the next instantiate is told to wait an hour.
    rig.emulator.injectFault({
      method: "POST",
      pathPattern: "/instantiate$",
      status: 429,
      retryAfterMs: 200,
    });
    rig.emulator.injectFault({
      method: "POST",
      pathPattern: "/instantiate$",
      status: 429,
      retryAfterSeconds: 3600,
    });
    const first = await Promise.allSettled(names.map((name, i) => upApp(rig, name, states[i])));
    const errors = first
      .filter((r) => r.status === "rejected")
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(errors.length, "some ups failed").to.be.greaterThan(0);
    for (const e of errors) {
      const message = String((e as Error).message);
      written.push(message);
      expect(message).to.match(/throttled|THROTTLED/);
      expect(message).to.contain("3600 s");
    }
    // Every other up still needed writes after the hour-long hold began: the pacer refused them unsent.
    expect(
      errors.map((e) => String((e as Error).message)).some((m) => m.includes("429 THROTTLED: not sent")),
    ).to.equal(true);
    rig.renew();
    for (let i = 0; i < names.length; i++) {
      if (first[i].status === "rejected") await upApp(rig, names[i], states[i]);
      written.push(plainState(states[i]));
      expectExactlyDeclared(names[i]);
    }
  });

  it("should find no secret value in anything the runs wrote (state, errors, client logs, emulator log)", () => {
    expect(scenarios, "matrix scenarios ran").to.equal(MATRIX.length + 1);
    const corpus = [...written, ...rig.logLines, JSON.stringify(rig.emulator.requestLog())].join("\n");
    for (const value of [...Object.values(RELIABILITY_CREDENTIALS), rig.connection.clientSecret!]) {
      expect(corpus.includes(value), `a secret value appears in plain text`).to.equal(false);
    }
  });
});
