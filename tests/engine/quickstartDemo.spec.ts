/**
 * `npm run demo` end to end: spawns the built demo (`node dist/testing/demo.js`) and checks it exits
 * 0 after printing the plan, the status and the summaries Pulumi would, with no secure value of
 * Pulumi.local.yaml in its output and nothing left in its temporary directory; and that a broken
 * setup exits 1 with a message saying what is wrong. Needs `npm run build` first (npm test does it).
 */
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackConfig } from "../../testing/stackConfig";

const ROOT = path.resolve(__dirname, "..", "..");
const DEMO = path.join(ROOT, "dist", "testing", "demo.js");

/** Runs the demo with its own TMPDIR; resolves with the exit code and everything it printed. */
function runDemo(args: string[], tmpDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO, ...args], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmpDir, PULUMI_CONFIG_PASSPHRASE: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm run demo (dist/testing/demo.js) @engine @emulator", function () {
  this.timeout(120_000);
  let tmpDir: string;

  beforeEach(() => {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-demo-"));
  });
  afterEach(() => {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it("should run preview, up, status, a rename (preview, up) and destroy, exit 0 and print no secret", async () => {
    expect(fs.existsSync(DEMO), `${DEMO} is missing: run npm run build (npm test does)`).to.equal(true);
    const { code, output } = await runDemo([], tmpDir);
    expect(code, output).to.equal(0);
    const expected = [
      "Previewing update (local):",
      "+ 5 to create",
      "Updating (local):",
      "+ 5 created",
      "status: Active",
      "provisioning log (latest 5):",
      "pulumi preview",
      "Previewing update (local):",
      "~ 1 to update",
      "4 unchanged",
      "Updating (local):",
      "~ 1 updated",
      "Destroying (local):",
      "- 5 deleted",
      "Tenant after destroy: 0 applications, 0 service principals, 0 jobs, 0 saved secrets",
      "Demo finished: every step succeeded.",
    ];
    let from = 0;
    for (const line of expected) {
      const at = output.indexOf(line, from);
      expect(at, `"${line}" after offset ${from} in:\n${output}`).to.be.greaterThan(-1);
      from = at + line.length;
    }
    expect(output).to.match(/create\s+success\s+Emulated User 1/);
    // The saved credentials are exported as a stack output and stay secret in the summary.
    expect(output).to.match(/savedCredentials: \[secret\]/);
    expect(output).to.match(/credentialKeys: \[/);
    // The change's preview plans the rename alone: nothing to replace, create or delete.
    const changePlan = output.slice(
      output.indexOf("=== change:"),
      output.indexOf("=== pulumi up", output.indexOf("=== change:")),
    );
    expect(changePlan)
      .to.include("~ 1 to update")
      .and.not.match(/to (replace|create|delete)/);
    const { config } = await readStackConfig(
      path.join(ROOT, "Pulumi.local.yaml"),
      "graph-provisioning-quickstart",
      {
        passphrase: "local-emulator",
      },
    );
    const secrets = Object.values(config).filter((e) => e.secret);
    expect(secrets).to.have.length(3);
    for (const s of secrets) expect(output).to.not.include(s.value);
    // The emulator's data directory and the stack state were temporary: nothing is left behind.
    expect(fs.readdirSync(tmpDir)).to.deep.equal([]);
  });

  it("should exit 1 with the failing step's error, and clean up, when the program fails", async () => {
    expect(fs.existsSync(DEMO), `${DEMO} is missing: run npm run build`).to.equal(true);
    // Inside the repository, so the host resolves @pulumi/pulumi; .pulumi-local/ is gitignored.
    const parent = path.join(ROOT, ".pulumi-local");
    const createdParent = !fs.existsSync(parent);
    fs.mkdirSync(parent, { recursive: true });
    const project = fs.mkdtempSync(path.join(parent, "demo-failing-"));
    try {
      fs.writeFileSync(
        path.join(project, "Pulumi.yaml"),
        "name: graph-provisioning-quickstart\nruntime: nodejs\nmain: index.js\n",
      );
      fs.writeFileSync(path.join(project, "index.js"), 'throw new Error("fixture program failure");\n');
      fs.copyFileSync(path.join(ROOT, "Pulumi.local.yaml"), path.join(project, "Pulumi.local.yaml"));
      const { code, output } = await runDemo([project], tmpDir);
      expect(code, output).to.equal(1);
      expect(output).to.include("Demo failed: preview failed: program failed: fixture program failure");
      expect(fs.readdirSync(tmpDir)).to.deep.equal([]);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
      if (createdParent && fs.readdirSync(parent).length === 0) fs.rmdirSync(parent);
    }
  });

  it("should exit 1 naming the problem when the project has no Pulumi.yaml", async () => {
    expect(fs.existsSync(DEMO), `${DEMO} is missing: run npm run build`).to.equal(true);
    const { code, output } = await runDemo([tmpDir], tmpDir);
    expect(code).to.equal(1);
    expect(output).to.include(`Demo failed: no Pulumi.yaml in ${tmpDir}`);
  });
});
