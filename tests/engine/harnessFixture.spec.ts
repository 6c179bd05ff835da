/**
 * The local engine harness against the REAL dynamic-provider host, with a file-backed fixture
 * provider (tests/fixtures/fixtureFile.ts): configure, preview, up, update, both replace orders,
 * deletes of undeclared resources, refresh, destroy, and secrets kept out of state and output.
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { LocalStack, formatRunResult, type RunResult } from "../../testing/programRunner";
import { writeStackConfig } from "../../testing/stackConfig";
import { FixtureFile, FixturePair } from "../fixtures/fixtureFile";

const PASSPHRASE = "fixture-test-passphrase";
const TOKEN = "tok-9f8e7d6c5b4a-plaintext";
const SECRET_VALUE = "sv-1a2b3c4d5e6f-plaintext";

describe("LocalStack with the fixture provider @engine", function () {
  this.timeout(60_000);

  let dir: string;
  let dataDir: string;
  let hostOutput = "";
  /** What the program declares; tests edit it between runs. */
  const vars = { label: "alpha", kind: "k1", slot: "s1", withPair: true, withA: true };

  const program = () => {
    const cfg = new pulumi.Config("fixture");
    const out: Record<string, unknown> = { greeting: cfg.get("greeting") };
    if (vars.withA) {
      const a = new FixtureFile("a", {
        dir: dataDir,
        label: vars.label,
        kind: vars.kind,
        slot: vars.slot,
        secretValue: pulumi.secret(SECRET_VALUE),
      });
      out.aPath = a.path;
      out.aSecret = a.secretValue;
      out.aTokenSha = a.tokenSha256;
      out.aGreeting = a.greeting;
    }
    if (vars.withPair) {
      const pair = new FixturePair("pair", { dir: dataDir, label: "p" });
      out.pairSecond = pair.second.label;
    }
    return out;
  };

  const stack = (name = "dev") =>
    new LocalStack({ stack: name, projectDir: dir, program, passphrase: PASSPHRASE, callTimeoutMs: 30_000 });

  const opsLog = () =>
    fs.existsSync(path.join(dataDir, "ops.log"))
      ? fs.readFileSync(path.join(dataDir, "ops.log"), "utf8")
      : "";
  const dataFiles = () =>
    fs
      .readdirSync(dataDir)
      .filter((f) => f.endsWith(".json"))
      .sort();
  const track = (r: RunResult): RunResult => {
    hostOutput += r.hostOutput;
    return r;
  };
  const stepOf = (r: RunResult, name: string) => r.steps.find((s) => s.name === name);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-fixture-"));
    dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fixture-project\nruntime: nodejs\n");
    for (const s of ["dev", "prod"]) {
      await writeStackConfig(
        path.join(dir, `Pulumi.${s}.yaml`),
        {
          "fixture:greeting": `hello-${s}`,
          "fixture:token": { secure: TOKEN },
          "fixture:dir": dataDir,
        },
        { passphrase: PASSPHRASE },
      );
    }
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should plan creates in a preview without creating anything", async () => {
    const r = track(await stack().preview());
    expect(r.errors).to.deep.equal([]);
    const custom = r.steps.filter((s) => s.custom);
    expect(custom.map((s) => [s.name, s.op])).to.have.deep.members([
      ["a", "create"],
      ["pair-first", "create"],
      ["pair-second", "create"],
    ]);
    expect(r.counts.create).to.equal(r.steps.length);
    expect(dataFiles()).to.deep.equal([]);
    expect(opsLog()).to.not.match(/create/);
    expect(fs.existsSync(stack().stateFilePath)).to.equal(false);
    expect(r.outputs.aPath).to.equal("[unknown]");
  });

  it("should create on up, with configure seeing the stack config and its secrets", async () => {
    const r = track(await stack().up());
    expect(r.errors).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(r.counts.create).to.equal(r.steps.length);
    expect(dataFiles()).to.have.length(3);
    expect(opsLog()).to.match(/^configure\n/);
    expect(r.outputs.greeting).to.equal("hello-dev");
    expect(r.outputs.aGreeting).to.equal("hello-dev");
    expect(r.outputs.aTokenSha).to.equal(crypto.createHash("sha256").update(TOKEN).digest("hex"));
    expect(r.outputs.aSecret).to.equal("[secret]");
    expect(r.outputs.pairSecond).to.equal("p-2");
    expect(fs.existsSync(String(r.outputs.aPath))).to.equal(true);
  });

  it("should keep secrets marked in state: the echoed input and additionalSecretOutputs", async () => {
    const state = await stack().state();
    const a = state.resources.find((x) => x.name === "a")!;
    expect(a.outputs.secretValue).to.deep.include({ value: SECRET_VALUE });
    expect(a.outputs.derivedSecret).to.have.property("value");
    expect(a.outputs.label).to.equal("alpha");
    const second = state.resources.find((x) => x.name === "pair-second")!;
    const first = state.resources.find((x) => x.name === "pair-first")!;
    expect(second.dependencies).to.include(first.urn);
    expect(second.parent).to.match(/FixturePair::pair$/);
  });

  it("should plan nothing in a second preview", async () => {
    const r = track(await stack().preview());
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.every((s) => s.op === "same")).to.equal(true);
    expect(r.counts.same).to.equal(r.steps.length);
  });

  it("should update in place when an updatable input changes", async () => {
    const before = (await stack().state()).resources.find((x) => x.name === "a")!;
    vars.label = "beta";
    const planned = track(await stack().preview());
    expect(stepOf(planned, "a")!.op).to.equal("update");
    // As the engine does for a provider that cannot preview: the id is kept, the outputs are the
    // new inputs only, so computed outputs (path, greeting) are unknown until the up.
    expect(stepOf(planned, "a")!.id).to.equal(before.id);
    expect(planned.outputs).to.deep.include({ aPath: "[unknown]", aGreeting: "[unknown]" });
    const r = track(await stack().up());
    expect(r.errors).to.deep.equal([]);
    expect(stepOf(r, "a")).to.deep.include({ op: "update", id: before.id });
    expect(r.counts).to.deep.include({ update: 1, create: 0, replace: 0, delete: 0 });
    expect(JSON.parse(fs.readFileSync(String(r.outputs.aPath), "utf8")).label).to.equal("beta");
  });

  it("should replace create-before-delete when the diff asks for a replace", async () => {
    const old = (await stack().state()).resources.find((x) => x.name === "a")!;
    vars.kind = "k2";
    const r = track(await stack().up());
    expect(r.errors).to.deep.equal([]);
    const s = stepOf(r, "a")!;
    expect(s).to.deep.include({ op: "replace", replaces: ["kind"], deleteBeforeReplace: false });
    const log = opsLog().trim().split("\n");
    const created = log.lastIndexOf(`create ${s.id}`);
    const deleted = log.lastIndexOf(`delete ${old.id}`);
    expect(created).to.be.greaterThan(-1);
    expect(deleted).to.be.greaterThan(created);
    expect(fs.existsSync(path.join(dataDir, `${old.id}.json`))).to.equal(false);
  });

  it("should delete before creating when the diff asks for delete-before-replace", async () => {
    const old = (await stack().state()).resources.find((x) => x.name === "a")!;
    vars.slot = "s2";
    const r = track(await stack().up());
    expect(r.errors).to.deep.equal([]);
    const s = stepOf(r, "a")!;
    expect(s).to.deep.include({ op: "replace", replaces: ["slot"], deleteBeforeReplace: true });
    const log = opsLog().trim().split("\n");
    expect(log.lastIndexOf(`delete ${old.id}`)).to.be.lessThan(log.lastIndexOf(`create ${s.id}`));
    expect((await stack().state()).resources.filter((x) => x.name === "a")).to.have.length(1);
  });

  it("should report a check failure naming the property, and change nothing", async () => {
    const before = opsLog();
    vars.label = "";
    const r = track(await stack().up());
    vars.label = "beta";
    expect(r.ok).to.equal(false);
    expect(r.errors.map((e) => e.message).join("\n")).to.match(/label: label must be a non-empty string/);
    expect(opsLog().slice(before.length)).to.not.match(/create|update|delete/);
    expect((await stack().state()).resources.map((x) => x.name)).to.include.members([
      "a",
      "pair-first",
      "pair-second",
    ]);
  });

  it("should delete undeclared resources at the end of up, dependents first", async () => {
    const state = await stack().state();
    const firstId = state.resources.find((x) => x.name === "pair-first")!.id;
    const secondId = state.resources.find((x) => x.name === "pair-second")!.id;
    vars.withPair = false;
    const planned = track(await stack().preview());
    expect(planned.steps.filter((s) => s.op === "delete").map((s) => s.name)).to.include.members([
      "pair-first",
      "pair-second",
    ]);
    const r = track(await stack().up());
    expect(r.errors).to.deep.equal([]);
    const log = opsLog().trim().split("\n");
    expect(log.indexOf(`delete ${secondId}`)).to.be.greaterThan(-1);
    expect(log.indexOf(`delete ${secondId}`)).to.be.lessThan(log.indexOf(`delete ${firstId}`));
    expect((await stack().state()).resources.map((x) => x.name)).to.not.include("pair-first");
  });

  it("should drop a resource gone out of band on refresh, and recreate it on the next up", async () => {
    const a = (await stack().state()).resources.find((x) => x.name === "a")!;
    fs.rmSync(path.join(dataDir, `${a.id}.json`));
    const r = track(await stack().refresh());
    expect(r.errors).to.deep.equal([]);
    expect(stepOf(r, "a")!.op).to.equal("delete");
    expect((await stack().state()).resources.map((x) => x.name)).to.not.include("a");
    const planned = track(await stack().preview());
    expect(stepOf(planned, "a")!.op).to.equal("create");
    const up = track(await stack().up());
    expect(stepOf(up, "a")!.op).to.equal("create");
  });

  it("should keep two stacks of one project apart", async () => {
    vars.withPair = true;
    const prod = track(await stack("prod").up());
    expect(prod.errors).to.deep.equal([]);
    expect(prod.outputs.greeting).to.equal("hello-prod");
    expect(prod.counts.create).to.equal(prod.steps.length);
    const dev = track(await stack("dev").preview());
    expect(dev.outputs.greeting).to.equal("hello-dev");
    expect(stack("prod").stateFilePath).to.not.equal(stack("dev").stateFilePath);
    const destroyed = track(await stack("prod").destroy());
    expect(destroyed.errors).to.deep.equal([]);
    expect((await stack("prod").state()).resources).to.deep.equal([]);
  });

  it("should delete everything on destroy, dependents first", async () => {
    const r = track(await stack().destroy());
    expect(r.errors).to.deep.equal([]);
    expect(r.counts.delete).to.be.greaterThan(0);
    expect(dataFiles()).to.deep.equal([]);
    expect((await stack().state()).resources).to.deep.equal([]);
    expect(formatRunResult(r)).to.match(/- \d+ deleted/);
  });

  it("should never write a secret in plain text to the state files, the stack config or the captured output", () => {
    const files = [
      stack("dev").stateFilePath,
      stack("prod").stateFilePath,
      path.join(dir, "Pulumi.dev.yaml"),
      path.join(dir, "Pulumi.prod.yaml"),
    ];
    const texts = files.map((f) => fs.readFileSync(f, "utf8"));
    expect(hostOutput.length).to.be.greaterThan(0);
    for (const t of [...texts, hostOutput]) {
      expect(t).to.not.include(TOKEN);
      expect(t).to.not.include(SECRET_VALUE);
    }
    expect(texts[2]).to.match(/secure: v1:/);
  });
});

describe("EngineHarness deadlines @engine", function () {
  this.timeout(60_000);

  it("should fail a call the host does not answer in time, naming the method and the deadline", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-deadline-"));
    try {
      const slow = new LocalStack({
        stack: "slow",
        projectDir: dir,
        projectName: "deadline",
        passphrase: PASSPHRASE,
        callTimeoutMs: 1_000,
        program: () => {
          new FixtureFile("slow", { dir, label: "slow", delayMs: 20_000 });
        },
      });
      const r = await slow.up();
      expect(r.ok).to.equal(false);
      expect(r.errors.map((e) => e.message).join("\n")).to.match(
        /Create .*slow: no answer within 1000 ms \(deadline exceeded\)/,
      );
      expect(r.steps.find((s) => s.name === "slow")!.error).to.match(/deadline exceeded/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
