/**
 * A JobStart whose create fails after it started the job (issue 10, item 5), through the REAL
 * dynamic-provider host (LocalStack) against the emulator: the engine records it created-but-failed
 * with the properties the error carried, and refresh and destroy must still find its provider there.
 * Needs the built package (dist/): serialized providers require "pulumi-graph-provisioning/runtime".
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { emulatorStackConfig } from "../../testing/emulatorConnection";
import { formatRunResult, LocalStack } from "../../testing/programRunner";

const ROOT = path.resolve(__dirname, "..", "..");
const PROGRAM = path.join(ROOT, "tests", "fixtures", "state", "jobStartProgram.ts");

describe("a JobStart that failed after starting its job, through the engine harness @engine @emulator", function () {
  this.timeout(120_000);
  let emulator: EmulatorHandle;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-jobstart-failed-"));
    // Cycles slower than the JobStart's 1 s wait: the job is started, then the wait times out.
    emulator = await startEmulator({ cycleTimeMs: 3_600_000 });
  });
  after(async () => {
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const stack = () =>
    new LocalStack({
      stack: "failed",
      projectDir: ROOT,
      projectName: "graph-provisioning-fixtures",
      program: PROGRAM,
      stackConfigFile: path.join(dir, "Pulumi.failed.yaml"),
      stateFile: path.join(dir, "failed.json"),
      passphrase: "test",
      config: emulatorStackConfig(emulator),
    });

  it("should keep __provider in the failed JobStart's state, then refresh and destroy it", async () => {
    const up = await stack().up();
    const failed = up.steps.find((s) => s.name === "fixture-start");
    expect(failed?.error, formatRunResult(up)).to.match(/did not reach "firstCycle" within 1 s/);
    const [job] = emulator.state().jobs;
    expect(job.schedule?.state, "the job was started before the wait failed").to.equal("Active");

    const recorded = (await stack().state()).resources.find((r) => r.name === "fixture-start");
    expect(recorded?.id).to.equal(`${job.servicePrincipalId}/${job.id}/start`);
    expect(recorded?.outputs.__provider, "__provider in the recorded outputs").to.be.a("string");

    const refresh = await stack().refresh();
    expect(refresh.errors, formatRunResult(refresh)).to.deep.equal([]);
    expect(refresh.steps.find((s) => s.name === "fixture-start")?.op).to.equal("same");

    const destroy = await stack().destroy();
    expect(destroy.errors, formatRunResult(destroy)).to.deep.equal([]);
    expect((await stack().state()).resources).to.deep.equal([]);
    expect(emulator.state().applications.filter((a) => !a.deletedDateTime)).to.deep.equal([]);
  });
});
