/**
 * The quickstart program (examples/quickstart, run by the root Pulumi.yaml) with the committed stack
 * file Pulumi.local.yaml, through the REAL dynamic-provider host (LocalStack) against the Graph
 * emulator: a whole lifecycle in order — preview, up, no-op preview, preview and up of a rename,
 * credential rotation, refresh after an out-of-band pause, destroy — and no plaintext secret in
 * state or output.
 * Needs the built package (dist/): serialized providers require "pulumi-graph-provisioning/runtime".
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorHandle, type RequestLogEntry } from "../../emulator";
import { LocalStack, formatRunResult, type RunResult, type StepOp } from "../../testing/programRunner";
import { isSecretValue } from "../../testing/propertyValues";
import { readStackConfig } from "../../testing/stackConfig";
import { EmulatorTestClient } from "../helpers/emulator";

const ROOT = path.resolve(__dirname, "..", "..");
const STACK_FILE = path.join(ROOT, "Pulumi.local.yaml");
/** The documented passphrase of Pulumi.local.yaml (README, the file's header). */
const LOCAL_PASSPHRASE = "local-emulator";
const PROJECT = "graph-provisioning-quickstart";
const ROTATED_TOKEN = "rotated-aws-secret-token-7Hq3Zr9W";

const sha256 = (v: string) => crypto.createHash("sha256").update(v, "utf8").digest("hex");
const shortType = (type: string) => type.split(":").pop();
const writes = (log: RequestLogEntry[]) => log.filter((e) => e.kind === "graph" && e.method !== "GET");
/** Step ops of the custom resources by short type name. */
const opsOf = (r: RunResult): Record<string, StepOp> =>
  Object.fromEntries(r.steps.filter((s) => s.custom).map((s) => [shortType(s.type), s.op]));
const plain = (v: unknown) => (isSecretValue(v) ? v.value : v);

describe("the quickstart through the engine harness, with Pulumi.local.yaml @engine @emulator", function () {
  this.timeout(120_000);
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;
  let dir: string;
  /** Plaintext of every secret this suite handles: the stack file's secure values and the rotation. */
  let secrets: string[] = [];
  /** Every RunResult's text (formatted and JSON, host output included), for the plaintext scan. */
  let output = "";
  /** State file texts after each run, for the plaintext scan. */
  const stateTexts: string[] = [];
  /** Config overrides applied to the next runs (as `pulumi config set` would). */
  const overrides: Record<string, string> = {};

  const stack = () =>
    new LocalStack({
      stack: "local",
      projectDir: ROOT,
      stackConfigFile: STACK_FILE,
      stateFile: path.join(dir, "local.json"),
      passphrase: LOCAL_PASSPHRASE,
      config: {
        // The emulator listens on a free port with its own certificate, not the file's fixed 8443.
        "graphProvisioning:graphEndpoint": emulator.graphEndpoint,
        "graphProvisioning:authorityHost": emulator.authorityHost,
        "graphProvisioning:caFile": emulator.caFile,
        ...Object.fromEntries(
          Object.entries(overrides).map(([k, v]) => [k, k.startsWith("aws") ? { secure: v } : v]),
        ),
      },
    });
  const run = async (op: "preview" | "up" | "refresh" | "destroy"): Promise<RunResult> => {
    const r = await stack()[op]();
    output += `${formatRunResult(r)}\n${JSON.stringify(r)}\n`;
    const file = path.join(dir, "local.json");
    if (fs.existsSync(file)) stateTexts.push(fs.readFileSync(file, "utf8"));
    expect(r.errors, formatRunResult(r)).to.deep.equal([]);
    return r;
  };
  const resourceOutputs = async (type: string) => {
    const r = (await stack().state()).resources.find((s) => shortType(s.type) === type);
    expect(r, `${type} in state`).to.not.equal(undefined);
    return r!.outputs;
  };
  const activeApps = () => emulator.state().applications.filter((a) => !a.deletedDateTime);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-quickstart-"));
    const file = await readStackConfig(STACK_FILE, PROJECT, { passphrase: LOCAL_PASSPHRASE });
    secrets = [
      ...Object.values(file.config)
        .filter((e) => e.secret)
        .map((e) => e.value),
      ROTATED_TOKEN,
    ];
    // The emulator started like `graph-provisioning-emulator` with its fixed defaults, which the file targets.
    emulator = await startEmulator({
      tenantId: file.config["graphProvisioning:tenantId"].value,
      clientId: file.config["graphProvisioning:clientId"].value,
      clientSecret: file.config["graphProvisioning:clientSecret"].value,
    });
    graph = new EmulatorTestClient(emulator);
  });
  after(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should hold the emulator's fixed connection and three secure values in Pulumi.local.yaml", async () => {
    const text = fs.readFileSync(STACK_FILE, "utf8");
    expect(text).to.match(/^encryptionsalt: v1:[A-Za-z0-9+/=]+:v1:/m);
    const { config } = await readStackConfig(STACK_FILE, PROJECT, { passphrase: LOCAL_PASSPHRASE });
    expect(config["graphProvisioning:caFile"].value).to.equal(".graph-emulator/ca.pem");
    expect(config["graphProvisioning:graphEndpoint"].value).to.equal("https://127.0.0.1:8443");
    expect(
      Object.entries(config)
        .filter(([, e]) => e.secret)
        .map(([k]) => k)
        .sort(),
    ).to.deep.equal([
      "graph-provisioning-quickstart:awsClientSecret",
      "graph-provisioning-quickstart:awsSecretToken",
      "graphProvisioning:clientSecret",
    ]);
    for (const s of secrets) expect(text).to.not.include(s);
  });

  it("should plan the four creates in a preview of a new stack, with no write to Graph", async () => {
    emulator.clearRequestLog();
    const r = await run("preview");
    expect(opsOf(r)).to.deep.equal({
      GalleryApp: "create",
      ProvisioningJob: "create",
      ProvisioningSecrets: "create",
      JobStart: "create",
    });
    expect(r.outputs.servicePrincipalId).to.equal("[unknown]");
    expect(writes(emulator.requestLog())).to.deep.equal([]);
    expect(activeApps()).to.deep.equal([]);
    expect(fs.existsSync(path.join(dir, "local.json"))).to.equal(false);
  });

  it("should create the app, job and secrets and start the job on up", async () => {
    const r = await run("up");
    expect(Object.values(opsOf(r))).to.deep.equal(["create", "create", "create", "create"]);
    const [app] = activeApps();
    expect(activeApps()).to.have.length(1);
    expect(app.displayName).to.equal("AWS Contoso");
    expect(r.outputs.appId).to.equal(app.appId);
    const [job] = emulator.state().jobs;
    expect(job.id).to.equal(r.outputs.jobId);
    expect(job.servicePrincipalId).to.equal(r.outputs.servicePrincipalId);
    expect(job.schedule?.state).to.equal("Active");
    const saved = emulator.state().secrets.filter((s) => s.servicePrincipalId === job.servicePrincipalId);
    expect(saved.map((s) => s.key).sort()).to.deep.equal(["ClientSecret", "SecretToken"]);
    // The emulator keeps only digests: the values saved are the stack file's secure values.
    const { config } = await readStackConfig(STACK_FILE, PROJECT, { passphrase: LOCAL_PASSPHRASE });
    expect(saved.find((s) => s.key === "SecretToken")!.digest).to.equal(
      sha256(config[`${PROJECT}:awsSecretToken`].value),
    );
  });

  it("should plan nothing and make no Graph call in a second preview", async () => {
    emulator.clearRequestLog();
    const r = await run("preview");
    expect(r.steps.map((s) => s.op)).to.deep.equal(["same", "same", "same", "same", "same"]);
    expect(emulator.requestLog()).to.deep.equal([]);
  });

  it("should plan the rename as exactly one update and no replace, with no Graph call", async () => {
    const before = await resourceOutputs("GalleryApp");
    overrides.displayName = "AWS Fabrikam";
    emulator.clearRequestLog();
    const r = await run("preview");
    // The app's ids come from its resource id, which the engine keeps in an update preview: its
    // dependents see the same servicePrincipalId and plan nothing.
    expect(opsOf(r)).to.deep.equal({
      GalleryApp: "update",
      ProvisioningJob: "same",
      ProvisioningSecrets: "same",
      JobStart: "same",
    });
    expect(r.counts).to.include({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(r.steps.find((s) => shortType(s.type) === "GalleryApp")?.id).to.equal(
      [before.applicationObjectId, before.servicePrincipalId, before.appId].map(plain).join("/"),
    );
    expect(r.outputs.servicePrincipalId).to.equal(plain(before.servicePrincipalId));
    expect(r.outputs.appId).to.equal(plain(before.appId));
    expect(emulator.requestLog()).to.deep.equal([]);
    expect(activeApps()[0].displayName).to.equal("AWS Contoso");
  });

  it("should rename the app in place: one update, the same objects", async () => {
    const before = await resourceOutputs("GalleryApp");
    emulator.clearRequestLog();
    const r = await run("up");
    expect(opsOf(r)).to.deep.equal({
      GalleryApp: "update",
      ProvisioningJob: "same",
      ProvisioningSecrets: "same",
      JobStart: "same",
    });
    expect(r.counts).to.include({ update: 1, replace: 0, create: 0, delete: 0 });
    expect(writes(emulator.requestLog()).map((e) => `${e.method} ${e.path.split("/")[2]}`)).to.have.members([
      "PATCH applications",
      "PATCH servicePrincipals",
    ]);
    const after = await resourceOutputs("GalleryApp");
    expect(plain(after.applicationObjectId)).to.equal(plain(before.applicationObjectId));
    const sp = emulator.state().servicePrincipals.find((s) => s.id === plain(after.servicePrincipalId));
    expect([activeApps()[0].displayName, sp?.displayName]).to.deep.equal(["AWS Fabrikam", "AWS Fabrikam"]);
  });

  it("should save rotated credentials and restart the job (JobStart triggers)", async () => {
    overrides.awsSecretToken = ROTATED_TOKEN;
    emulator.clearRequestLog();
    const r = await run("up");
    expect(opsOf(r)).to.deep.equal({
      GalleryApp: "same",
      ProvisioningJob: "same",
      ProvisioningSecrets: "update",
      JobStart: "update",
    });
    const calls = writes(emulator.requestLog()).map((e) => `${e.method} ${e.path.split("/").pop()}`);
    expect(calls).to.include.members(["POST validateCredentials", "PUT secrets", "POST restart"]);
    // Validation and save happen before the restart, as the dependsOn orders them.
    expect(calls.indexOf("PUT secrets")).to.be.lessThan(calls.indexOf("POST restart"));
    const token = emulator.state().secrets.find((s) => s.key === "SecretToken");
    expect(token?.digest).to.equal(sha256(ROTATED_TOKEN));
    expect(emulator.state().jobs[0].schedule?.state).to.equal("Active");
  });

  it("should notice on refresh a job paused out of band, and start it on the next up", async () => {
    const job = await resourceOutputs("ProvisioningJob");
    const jobPath = `/servicePrincipals/${plain(job.servicePrincipalId)}/synchronization/jobs/${plain(job.jobId)}`;
    const paused = await graph.call("POST", `${jobPath}/pause`);
    expect(paused.status).to.equal(204);

    const refreshed = await run("refresh");
    expect(opsOf(refreshed).JobStart).to.equal("update");
    expect(plain((await resourceOutputs("JobStart")).scheduleState)).to.equal("Paused");

    const plan = await run("preview");
    expect(opsOf(plan)).to.deep.equal({
      GalleryApp: "same",
      ProvisioningJob: "same",
      ProvisioningSecrets: "same",
      JobStart: "update",
    });

    emulator.clearRequestLog();
    const r = await run("up");
    expect(opsOf(r).JobStart).to.equal("update");
    expect(writes(emulator.requestLog()).map((e) => `${e.method} ${e.path.split("/").pop()}`)).to.include(
      "POST start",
    );
    expect(emulator.state().jobs[0].schedule?.state).to.equal("Active");
    expect(plain((await resourceOutputs("JobStart")).scheduleState)).to.equal("Active");
  });

  it("should leave no active application, service principal, job or secret after destroy", async () => {
    const r = await run("destroy");
    expect(r.steps.filter((s) => s.custom).map((s) => shortType(s.type))).to.deep.equal([
      "JobStart",
      "ProvisioningSecrets",
      "ProvisioningJob",
      "GalleryApp",
    ]);
    expect((await stack().state()).resources).to.deep.equal([]);
    const t = emulator.state();
    expect(activeApps()).to.deep.equal([]);
    expect(t.servicePrincipals.filter((s) => !s.deletedDateTime)).to.deep.equal([]);
    expect(t.jobs).to.deep.equal([]);
    expect(t.secrets.filter((s) => s.value !== "")).to.deep.equal([]);
  });

  it("should keep every secret out of the saved state and the output", () => {
    expect(stateTexts.length).to.be.greaterThan(3);
    expect(stateTexts.join("\n")).to.include('"ciphertext": "v1:');
    expect(secrets).to.have.length(4);
    for (const secret of secrets) {
      stateTexts.forEach((text, i) => expect(text, `state file after run ${i + 1}`).to.not.include(secret));
      expect(output, "run output").to.not.include(secret);
    }
  });
});
