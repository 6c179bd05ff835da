/**
 * The AppProvisioning component through the REAL dynamic-provider host against the Graph emulator:
 * a preview writes nothing, up creates the four resources, a no-op preview makes no Graph call,
 * destroy deletes in reverse dependency order, and no credential appears in state or output.
 * Needs the built package (dist/): serialized providers require "pulumi-graph-provisioning/runtime".
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AppProvisioning } from "../../provider";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { LocalStack, type RunResult } from "../../testing/programRunner";
import { emulatorStackConfig } from "../helpers/emulator";

const AWS_TEMPLATE_ID = "8b1025e4-1dd2-430b-a150-2ef79cd700f5";
const CREDENTIALS = { ClientSecret: "cs-4f1e2d3c-plaintext", SecretToken: "st-9a8b7c6d-plaintext" };

describe("AppProvisioning through the engine harness @engine @emulator", function () {
  this.timeout(120_000);
  let emulator: EmulatorHandle;
  let dir: string;
  let output = "";
  /** State file texts after each run, for the plaintext check. */
  const stateTexts: string[] = [];

  const stack = () =>
    new LocalStack({
      stack: "component",
      projectDir: path.resolve(__dirname, "..", ".."),
      stackConfigFile: path.join(dir, "Pulumi.component.yaml"),
      stateFile: path.join(dir, "state.json"),
      passphrase: "component-test",
      config: emulatorStackConfig(emulator),
      program: () => {
        const app = new AppProvisioning("aws", {
          displayName: "Engine AWS",
          templateId: AWS_TEMPLATE_ID,
          jobTemplateId: "aws",
          credentials: CREDENTIALS,
        });
        return { servicePrincipalId: app.servicePrincipalId };
      },
    });
  const track = (r: RunResult) => {
    output += r.hostOutput + JSON.stringify(r);
    const file = path.join(dir, "state.json");
    if (fs.existsSync(file)) stateTexts.push(fs.readFileSync(file, "utf8"));
    return r;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-component-"));
    emulator = await startEmulator({});
  });
  after(async () => {
    await emulator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should plan the creates in a preview with no write to Graph", async () => {
    emulator.clearRequestLog();
    const r = track(await stack().preview());
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.filter((s) => s.custom && s.op === "create")).to.have.length(4);
    expect(emulator.requestLog().filter((e) => e.kind === "graph" && e.method !== "GET")).to.deep.equal([]);
  });

  it("should create the four resources on up", async () => {
    const r = track(await stack().up());
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.filter((s) => s.custom).map((s) => s.op)).to.deep.equal([
      "create",
      "create",
      "create",
      "create",
    ]);
    expect(r.outputs.servicePrincipalId).to.be.a("string").and.not.equal("[unknown]");
  });

  it("should plan nothing and call Graph not at all in a second preview", async () => {
    emulator.clearRequestLog();
    const r = track(await stack().preview());
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.every((s) => s.op === "same")).to.equal(true);
    expect(emulator.requestLog().filter((e) => e.kind === "graph")).to.deep.equal([]);
  });

  it("should delete everything on destroy, JobStart first and GalleryApp last", async () => {
    const r = track(await stack().destroy());
    expect(r.errors).to.deep.equal([]);
    const order = r.steps.filter((s) => s.custom).map((s) => s.type.split(":").pop());
    expect(order).to.deep.equal(["JobStart", "ProvisioningSecrets", "ProvisioningJob", "GalleryApp"]);
    expect((await stack().state()).resources).to.deep.equal([]);
  });

  it("should keep credentials out of the state file and the output", () => {
    expect(stateTexts.join("")).to.include('"ciphertext": "v1:');
    for (const secret of [...Object.values(CREDENTIALS), emulator.clientSecret]) {
      for (const state of stateTexts) expect(state).to.not.include(secret);
      expect(output).to.not.include(secret);
    }
  });
});
