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
import { liveHostPids } from "../../testing/engineHarness";
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

describe("LocalStack when the program fails inside an apply @engine", function () {
  // A hang must fail this suite rather than block it. A run takes a few seconds on an idle machine,
  // a test up to three runs; on a loaded 2-core CI machine that reached 20 s, hence the margin.
  this.timeout(120_000);

  const MESSAGE = "label source failed: boom in apply";
  let dir: string;
  let dataDir: string;
  /** When true, the apply feeding "bad" throws; when false, it yields a label. */
  let failing = true;

  /**
   * "ok" stands alone; "bad" takes its label from an apply that throws; "after" depends on "bad",
   * so its registration waits on a resource the SDK never resolves (the cause of the hang).
   */
  const program = () => {
    const ok = new FixtureFile("ok", { dir: dataDir, label: "ok" });
    const label = pulumi.output("b").apply((v): string => {
      if (failing) throw new Error(MESSAGE);
      return v;
    });
    const bad = new FixtureFile("bad", { dir: dataDir, label });
    const after = new FixtureFile("after", { dir: dataDir, label: "after" }, { dependsOn: [bad] });
    return { okPath: ok.path, afterPath: after.path };
  };
  const stack = () =>
    new LocalStack({
      stack: "dev",
      projectDir: dir,
      projectName: "failing-apply",
      program,
      passphrase: PASSPHRASE,
      callTimeoutMs: 10_000,
    });
  const ops = () =>
    fs.existsSync(path.join(dataDir, "ops.log"))
      ? fs.readFileSync(path.join(dataDir, "ops.log"), "utf8").trim().split("\n")
      : [];
  /** Throws unless the process is gone (signal 0 only checks that it exists). */
  const expectGone = (pid: number) => {
    expect(pid).to.be.a("number").and.greaterThan(0);
    expect(() => process.kill(pid, 0)).to.throw(/ESRCH/);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-failing-apply-"));
    dataDir = path.join(dir, "data");
    fs.mkdirSync(dataDir);
    failing = true;
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should end a preview with ok=false and the apply's message, and stop the host", async () => {
    const r = await stack().preview();
    expect(r.ok).to.equal(false);
    expect(r.errors.map((e) => e.message).join("\n")).to.include(MESSAGE);
    // What did not wait on the failed value was still planned, as the real engine does.
    expect(r.steps.filter((s) => s.custom).map((s) => [s.name, s.op])).to.deep.equal([["ok", "create"]]);
    expect(ops().filter((l) => l !== "configure")).to.deep.equal([]);
    expect(fs.existsSync(stack().stateFilePath)).to.equal(false);
    expectGone(r.hostPid);
    expect(liveHostPids()).to.deep.equal([]);
  });

  it("should end an up with ok=false, keep what it created in state, and stop the host", async () => {
    const r = await stack().up();
    expect(r.ok).to.equal(false);
    expect(r.errors.map((e) => e.message).join("\n")).to.include(MESSAGE);
    const ok = r.steps.find((s) => s.name === "ok")!;
    expect(ok).to.deep.include({ op: "create" });
    expect(r.steps.map((s) => s.name)).to.not.include.members(["bad", "after"]);
    expect(ops()).to.include(`create ${ok.id}`);
    expect(ops().filter((l) => l.startsWith("create"))).to.have.length(1);
    // Recorded, not half-applied silently: the next run knows "ok" exists.
    const state = await stack().state();
    expect(state.resources.filter((x) => x.custom).map((x) => [x.name, x.id])).to.deep.equal([["ok", ok.id]]);
    expectGone(r.hostPid);
    expect(liveHostPids()).to.deep.equal([]);

    // Once the value is fixed the next up creates the rest and leaves "ok" alone: the stale
    // registrations of the failed run neither hang this one nor leak into it.
    failing = false;
    const fixed = await stack().up();
    expect(fixed.errors).to.deep.equal([]);
    expect(fixed.steps.filter((s) => s.custom).map((s) => [s.name, s.op])).to.have.deep.members([
      ["ok", "same"],
      ["bad", "create"],
      ["after", "create"],
    ]);
    expect(ops().filter((l) => l.startsWith("create"))).to.have.length(3);
    expect(fixed.outputs.afterPath).to.match(/after-[0-9a-f]+\.json$/);
    expectGone(fixed.hostPid);
  });

  it("should reject a failureSettleMs that is not a number of milliseconds, naming the option", () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new LocalStack({ stack: "dev", projectDir: dir, failureSettleMs: bad })).to.throw(
        /failureSettleMs: .* is not allowed \(a number of milliseconds, 0 or more\)/,
      );
    }
  });

  it("should end a run whose program throws after declaring a dependent, and stop the host", async () => {
    const r = await new LocalStack({
      stack: "dev",
      projectDir: dir,
      projectName: "failing-program",
      passphrase: PASSPHRASE,
      program: () => {
        const bad = new FixtureFile("bad", {
          dir: dataDir,
          label: pulumi.output("x").apply((): string => {
            throw new Error(MESSAGE);
          }),
        });
        new FixtureFile("after", { dir: dataDir, label: "after" }, { dependsOn: [bad] });
        throw new Error("program gave up");
      },
    }).up();
    expect(r.ok).to.equal(false);
    const messages = r.errors.map((e) => e.message).join("\n");
    expect(messages).to.include("program gave up");
    expect(messages).to.include(MESSAGE);
    expect(ops().filter((l) => l !== "configure")).to.deep.equal([]);
    expectGone(r.hostPid);
  });
});

describe("LocalStack URNs and host failures @engine", function () {
  this.timeout(20_000);

  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-urns-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should give each resource the URN the SDK's createUrn computes, parent chain included", async () => {
    const FILE = "pulumi-nodejs:dynamic/fixture:FixtureFile";
    const r = await new LocalStack({
      stack: "dev",
      projectDir: dir,
      projectName: "urns",
      passphrase: PASSPHRASE,
      program: () => {
        const outer = new pulumi.ComponentResource("fixture:index:Outer", "outer", {});
        const inner = new pulumi.ComponentResource("fixture:index:Inner", "inner", {}, { parent: outer });
        new FixtureFile("leaf", { dir, label: "leaf" }, { parent: inner });
        new FixtureFile("top", { dir, label: "top" });
        return {
          sdk: {
            outer: pulumi.createUrn("outer", "fixture:index:Outer"),
            inner: pulumi.createUrn("inner", "fixture:index:Inner", outer),
            leaf: pulumi.createUrn("leaf", FILE, inner),
            top: pulumi.createUrn("top", FILE),
          },
        };
      },
    }).preview();
    expect(r.errors).to.deep.equal([]);
    const urnOf = (name: string) => r.steps.find((s) => s.name === name)!.urn;
    expect({
      outer: urnOf("outer"),
      inner: urnOf("inner"),
      leaf: urnOf("leaf"),
      top: urnOf("top"),
    }).to.deep.equal(r.outputs.sdk);
    expect(urnOf("top")).to.equal(`urn:pulumi:dev::urns::${FILE}::top`);
    expect(urnOf("leaf")).to.equal(
      `urn:pulumi:dev::urns::fixture:index:Outer$fixture:index:Inner$${FILE}::leaf`,
    );
  });

  it("should end an up whose host dies during a create, failing that step and its dependents", async () => {
    const r = await new LocalStack({
      stack: "dev",
      projectDir: dir,
      projectName: "host-dies",
      passphrase: PASSPHRASE,
      program: () => {
        const dying = new FixtureFile("dying", { dir, label: "dying", exitHost: true });
        const after = new FixtureFile("after", { dir, label: "after" }, { dependsOn: [dying] });
        return { afterPath: after.path };
      },
    }).up();
    expect(r.ok).to.equal(false);
    expect(r.steps.find((s) => s.name === "dying")!.error).to.match(/^Create .*::dying: /);
    expect(r.steps.map((s) => s.name)).to.not.include("after");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".json") && f.startsWith("after"))).to.deep.equal([]);
    expect(() => process.kill(r.hostPid, 0)).to.throw(/ESRCH/);
    expect(liveHostPids()).to.deep.equal([]);
  });
});
