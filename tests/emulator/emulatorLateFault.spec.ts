/**
 * The "late" fault: the emulator holds a request `delayMs` and applies it even when the client gave up
 * waiting meanwhile — a timeout that Graph nevertheless carried out. Contrasted with "delay", whose
 * abandoned requests are never applied.
 */
import { expect } from "chai";
import * as https from "https";
import { connectEmulator, startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, eventually } from "../helpers/emulator";

const AWS = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
/** How long the test client waits for an answer before it gives up and closes the connection. */
const GIVE_UP_MS = 100;
/** How long faults hold a request: well beyond GIVE_UP_MS, so the client has left when it is applied. */
const HOLD_MS = 600;

describe("emulator: late fault (applied after the client gave up) @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    graph = new EmulatorTestClient(emulator);
  });
  beforeEach(() => emulator.reset());
  after(() => emulator.stop());

  /** POSTs like a client with a GIVE_UP_MS timeout: resolves with the error it saw, or fails if it got an answer. */
  async function postGivingUp(path: string, body: unknown): Promise<Error> {
    const token = await graph.accessToken();
    return new Promise((resolve, reject) => {
      const req = https.request(`${emulator.graphEndpoint}/v1.0${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        ca: graph.ca,
        agent: false,
        timeout: GIVE_UP_MS,
      });
      req.on("timeout", () => req.destroy(new Error("client gave up waiting")));
      req.on("error", resolve);
      req.on("response", (res) => {
        res.resume();
        reject(new Error(`expected no answer, got ${res.statusCode}`));
      });
      req.end(JSON.stringify(body));
    });
  }

  const liveAppNames = () => emulator.state().applications.map((a) => a.displayName);

  it("should apply a request after delayMs although its client gave up waiting", async () => {
    emulator.injectFault({ method: "POST", pathPattern: "/instantiate$", kind: "late", delayMs: HOLD_MS });
    const error = await postGivingUp(`/applicationTemplates/${AWS}/instantiate`, { displayName: "Late app" });
    expect(error.message).to.equal("client gave up waiting");
    // The client has left; the emulator still holds the request.
    expect(liveAppNames(), "applications when the client gave up").to.deep.equal([]);
    const entry = await eventually(async () => emulator.requestLog().find((e) => e.fault === "late"));
    expect(entry).to.include({ method: "POST", status: 201 });
    expect(liveAppNames()).to.deep.equal(["Late app"]);
    expect(emulator.state().servicePrincipals.map((s) => s.displayName)).to.deep.equal(["Late app"]);
  });

  it("should apply a late job POST, so the service principal has the job its client thinks failed", async () => {
    const made = await graph.call<{ servicePrincipal: { id: string } }>(
      "POST",
      `/applicationTemplates/${AWS}/instantiate`,
      { displayName: "Late job app" },
    );
    const spId = made.body.servicePrincipal.id;
    emulator.injectFault({
      method: "POST",
      pathPattern: "/synchronization/jobs$",
      kind: "late",
      delayMs: HOLD_MS,
    });
    await postGivingUp(`/servicePrincipals/${spId}/synchronization/jobs`, { templateId: "aws" });
    await eventually(async () => emulator.requestLog().find((e) => e.fault === "late"));
    const jobs = emulator.state().jobs;
    expect(jobs.map((j) => [j.servicePrincipalId, j.templateId])).to.deep.equal([[spId, "aws"]]);
  });

  it("should answer normally when the client waits long enough", async () => {
    emulator.injectFault({ method: "POST", pathPattern: "/instantiate$", kind: "late", delayMs: 50 });
    const res = await graph.call<{ application: { displayName: string } }>(
      "POST",
      `/applicationTemplates/${AWS}/instantiate`,
      { displayName: "Patient app" },
    );
    expect(res.status).to.equal(201);
    expect(res.body.application.displayName).to.equal("Patient app");
    expect(emulator.requestLog().at(-1)).to.include({ method: "POST", status: 201, fault: "late" });
  });

  it("should never apply a 'delay' request whose client gave up (unlike 'late')", async () => {
    emulator.injectFault({ method: "POST", pathPattern: "/instantiate$", kind: "delay", delayMs: HOLD_MS });
    await postGivingUp(`/applicationTemplates/${AWS}/instantiate`, { displayName: "Abandoned app" });
    // A late request held as long, sent afterwards: once it is applied, the abandoned one's wait is over too.
    emulator.injectFault({ method: "POST", pathPattern: "/instantiate$", kind: "late", delayMs: HOLD_MS });
    await postGivingUp(`/applicationTemplates/${AWS}/instantiate`, { displayName: "Marker app" });
    await eventually(async () => emulator.requestLog().find((e) => e.fault === "late"));
    expect(liveAppNames()).to.deep.equal(["Marker app"]);
  });

  it("should be accepted through the control API and listed with its kind", async () => {
    const control = connectEmulator(emulator.controlUrl, emulator.caFile, emulator.clientSecret);
    await control.injectFault({ method: "POST", pathPattern: "/instantiate$", kind: "late", delayMs: 10 });
    const faults = await control.listFaults();
    expect(faults.map((f) => [f.kind, f.spec.delayMs])).to.deep.equal([["late", 10]]);
  });

  it("should reject a late fault with a bad delayMs, naming the field", () => {
    expect(() => emulator.injectFault({ pathPattern: "x", kind: "late", delayMs: -1 })).to.throw(
      /fault\.delayMs: must be a non-negative number/,
    );
    expect(() => emulator.injectFault({ pathPattern: "x", kind: "later" as never })).to.throw(
      /fault\.kind: must be one of status, reset, delay, dropResponse, late/,
    );
  });
});
