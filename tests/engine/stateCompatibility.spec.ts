/**
 * State written by released versions (tests/fixtures/state, kept forever) run by today's code through
 * the REAL dynamic-provider host (LocalStack) against an emulator holding the objects that state
 * refers to: refresh, a rename, a credential rotation and destroy work, and nothing the user did not
 * change is replaced. Needs the built package (dist/).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { emulatorStackConfig } from "../../testing/emulatorConnection";
import { formatRunResult, LocalStack, type RunResult, type StepOp } from "../../testing/programRunner";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures", "state");
/** The fixtures' passphrase (README.md there). */
const PASSPHRASE = "local-emulator";
const RELEASES = fs
  .readdirSync(FIXTURES)
  .map((f) => /^(v[\d.]+)-quickstart-up\.json$/.exec(f)?.[1])
  .filter((v): v is string => v !== undefined);

/** Step ops of the custom resources, by resource name. */
const opsOf = (r: RunResult): Record<string, StepOp> =>
  Object.fromEntries(r.steps.filter((s) => s.custom).map((s) => [s.name, s.op]));
const expectOk = (r: RunResult) => expect(r.errors, formatRunResult(r)).to.deep.equal([]);

/** A copy of fixture `name` (stack state + emulator state) in `dir`, and an emulator serving it. */
async function openFixture(
  dir: string,
  name: string,
  emulatorOptions: { cycleTimeMs?: number } = {},
): Promise<{ stateFile: string; emulator: EmulatorHandle }> {
  const stateFile = path.join(dir, `${name}.json`);
  fs.copyFileSync(path.join(FIXTURES, `${name}.json`), stateFile);
  fs.copyFileSync(path.join(FIXTURES, `${name}.emulator.json`), path.join(dir, `${name}.emulator.json`));
  const emulator = await startEmulator({
    stateFile: path.join(dir, `${name}.emulator.json`),
    ...emulatorOptions,
  });
  return { stateFile, emulator };
}

for (const release of RELEASES) {
  describe(`state written by ${release}, run by today's code @engine @emulator`, function () {
    this.timeout(180_000);
    let dir: string;
    let emulator: EmulatorHandle | undefined;

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `state-compat-${release}-`));
    });
    afterEach(async () => {
      await emulator?.stop();
      emulator = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("should refresh, rename, rotate credentials and destroy the quickstart without a replace", async () => {
      const opened = await openFixture(dir, `${release}-quickstart-up`);
      emulator = opened.emulator;
      const overrides: Record<string, string | { secure: string }> = {};
      const stack = () =>
        new LocalStack({
          stack: "local",
          projectDir: ROOT,
          stackConfigFile: path.join(ROOT, "Pulumi.local.yaml"),
          stateFile: opened.stateFile,
          passphrase: PASSPHRASE,
          config: {
            "graphProvisioning:graphEndpoint": opened.emulator.graphEndpoint,
            "graphProvisioning:authorityHost": opened.emulator.authorityHost,
            "graphProvisioning:caFile": opened.emulator.caFile,
            ...overrides,
          },
        });
      const before = (await stack().state()).resources.filter((r) => r.custom);
      const idsBefore = Object.fromEntries(before.map((r) => [r.name, r.id]));

      const refresh = await stack().refresh();
      expectOk(refresh);
      expect(Object.values(opsOf(refresh))).to.not.include("delete");

      const preview = await stack().preview();
      expectOk(preview);
      expect(Object.values(opsOf(preview)), formatRunResult(preview)).to.not.include("replace");

      overrides.displayName = "AWS Contoso renamed";
      const rename = await stack().up();
      expectOk(rename);
      expect(opsOf(rename)["aws-contoso"], formatRunResult(rename)).to.equal("update");
      expect(Object.values(opsOf(rename))).to.not.include("replace");
      const apps = opened.emulator.state().applications.filter((a) => !a.deletedDateTime);
      expect(apps.map((a) => a.displayName)).to.deep.equal(["AWS Contoso renamed"]);

      overrides["graph-provisioning-quickstart:awsSecretToken"] = { secure: "rotated-fixture-token-4Kd9Qx" };
      const rotation = await stack().up();
      expectOk(rotation);
      expect(opsOf(rotation)["aws-contoso-secrets"], formatRunResult(rotation)).to.equal("update");
      expect(opsOf(rotation)["aws-contoso-start"]).to.equal("update");
      expect(Object.values(opsOf(rotation))).to.not.include("replace");

      const after = (await stack().state()).resources.filter((r) => r.custom);
      expect(Object.fromEntries(after.map((r) => [r.name, r.id]))).to.deep.equal(idsBefore);

      const destroy = await stack().destroy();
      expectOk(destroy);
      expect((await stack().state()).resources).to.deep.equal([]);
      expect(opened.emulator.state().applications.filter((a) => !a.deletedDateTime)).to.deep.equal([]);
    });

    it("should make the failed JobStart refreshable and destroyable again with one up", async () => {
      // Cycles stay slow, as when the fixture was written: the retried wait fails again.
      const opened = await openFixture(dir, `${release}-jobstart-failed`, { cycleTimeMs: 3_600_000 });
      emulator = opened.emulator;
      const stack = () =>
        new LocalStack({
          stack: "fixture",
          projectDir: ROOT,
          projectName: "graph-provisioning-fixtures",
          program: path.join(FIXTURES, "jobStartProgram.ts"),
          stackConfigFile: path.join(dir, "Pulumi.fixture.yaml"),
          stateFile: opened.stateFile,
          passphrase: PASSPHRASE,
          config: emulatorStackConfig(opened.emulator),
        });
      const idsBefore = (await stack().state()).resources.filter((r) => r.custom).map((r) => r.id);

      // 0.1.0 recorded the failed JobStart without __provider: only an up (whose Diff and Update read
      // the provider from the new inputs) can give it one back; refresh and destroy cannot before.
      const up = await stack().up();
      expect(Object.values(opsOf(up)), formatRunResult(up)).to.not.include("replace");
      const start = (await stack().state()).resources.find((r) => r.name === "fixture-start");
      expect(start?.outputs.__provider, "__provider recorded again").to.be.a("string");

      const refresh = await stack().refresh();
      expectOk(refresh);
      expect(Object.values(opsOf(refresh))).to.not.include("delete");
      expect((await stack().state()).resources.filter((r) => r.custom).map((r) => r.id)).to.deep.equal(
        idsBefore,
      );

      const destroy = await stack().destroy();
      expectOk(destroy);
      expect((await stack().state()).resources).to.deep.equal([]);
      expect(opened.emulator.state().applications.filter((a) => !a.deletedDateTime)).to.deep.equal([]);
    });
  });
}
