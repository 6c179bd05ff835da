// The published shape, checked as a user meets it: `npm pack`, install the tarball into a scratch
// project, then require every entry point and type-check an import of the public API.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { readmeTestingExample } from "../helpers/readmeSnippet";

const repoRoot = path.resolve(__dirname, "../..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("the packed package @package", function () {
  this.timeout(240_000);
  let scratch: string;
  let tarball: string;

  before(function () {
    if (!fs.existsSync(path.join(repoRoot, "dist/provider/index.js"))) {
      throw new Error("dist/ is missing: run `npm run build` first");
    }
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "graph-provisioning-pack-"));
    const packed = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", scratch], repoRoot)) as {
      filename: string;
    }[];
    tarball = path.join(scratch, packed[0].filename);
    fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true }));
    // The SDK these tests run with (the locked one, or the one .ci/run selects), and the test typings
    // the README's testing example needs, at the repository's versions.
    const pinned = ["@pulumi/pulumi", "@types/node", "@types/mocha", "chai", "@types/chai"].map(
      (name) => `${name}@${(require(`${name}/package.json`) as { version: string }).version}`,
    );
    // --prefer-offline: after `npm ci` every dependency is in npm's cache already.
    run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball, ...pinned], scratch);
  });

  after(function () {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("should ship only dist/, README.md and package.json, with no tests or sources", function () {
    const listed = JSON.parse(run(npm, ["pack", "--dry-run", "--json"], repoRoot)) as {
      files: { path: string }[];
    }[];
    const files = listed[0].files.map((f) => f.path);
    expect(files).to.include.members([
      "package.json",
      "README.md",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
    ]);
    expect(
      files.filter((f) => !f.startsWith("dist/") && f !== "package.json" && f !== "README.md"),
    ).to.deep.equal([]);
    expect(files.filter((f) => f.startsWith("dist/tests/"))).to.deep.equal([]);
  });

  it("should load the root, runtime and testing entries from the installed tarball", function () {
    const out = run(
      process.execPath,
      [
        "-e",
        `const g = require("pulumi-graph-provisioning");
         const r = require("pulumi-graph-provisioning/runtime");
         const t = require("pulumi-graph-provisioning/testing");
         console.log(JSON.stringify({
           resources: ["GalleryApp", "ProvisioningJob", "ProvisioningSecrets", "JobStart", "AppProvisioning"].map((k) => typeof g[k]),
           runtime: typeof r.provider,
           testing: [typeof t.startEmulator, typeof t.LocalStack],
           resolvedFrom: require.resolve("pulumi-graph-provisioning"),
         }));`,
      ],
      scratch,
    );
    const loaded = JSON.parse(out) as {
      resources: string[];
      runtime: string;
      testing: string[];
      resolvedFrom: string;
    };
    expect(loaded.resources).to.deep.equal(["function", "function", "function", "function", "function"]);
    expect(loaded.runtime).to.equal("function");
    expect(loaded.testing).to.deep.equal(["function", "function"]);
    expect(loaded.resolvedFrom.startsWith(path.join(scratch, "node_modules"))).to.equal(true);
  });

  it("should type-check a strict program that uses the public API through the installed typings", function () {
    const program = path.join(scratch, "program.ts");
    fs.writeFileSync(
      program,
      `import { AppProvisioning, GalleryApp, GraphError, getProvisioningJobStatus, type GalleryAppArgs } from "pulumi-graph-provisioning";
       import { startEmulator } from "pulumi-graph-provisioning/testing";
       const args: GalleryAppArgs = { displayName: "AWS Contoso", templateId: "8b1025e4-1dd2-430b-a150-2ef79cd700f5" };
       export const app = (): GalleryApp => new GalleryApp("app", args);
       export const all = [AppProvisioning, GraphError, getProvisioningJobStatus, startEmulator];
       // @ts-expect-error displayName is required
       export const bad: GalleryAppArgs = { templateId: "x" };
      `,
    );
    const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
    run(
      process.execPath,
      [
        tsc,
        "--strict",
        "--noEmit",
        "--skipLibCheck",
        "--module",
        "node16",
        "--moduleResolution",
        "node16",
        program,
      ],
      scratch,
    );
  });

  // node10 is `moduleResolution: "node"`, which many `pulumi new` TypeScript projects still use: it
  // ignores `exports`, so the subpath entries need `typesVersions`.
  for (const [moduleResolution, module] of [
    ["node10", "commonjs"],
    ["node16", "node16"],
    ["bundler", "esnext"],
  ]) {
    it(`should type-check the README's testing example under moduleResolution ${moduleResolution}`, function () {
      const example = path.join(scratch, `readme-example-${moduleResolution}.ts`);
      fs.writeFileSync(example, readmeTestingExample());
      const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
      const args = ["--strict", "--noEmit", "--skipLibCheck", "--types", "node,mocha"];
      args.push("--module", module, "--moduleResolution", moduleResolution, example);
      const result = spawnSync(process.execPath, [tsc, ...args], { cwd: scratch, encoding: "utf8" });
      expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0);
    });
  }

  it("should install both command-line tools as bins", function () {
    const bin = path.join(scratch, "node_modules/.bin");
    expect(fs.existsSync(path.join(bin, "graph-provisioning"))).to.equal(true);
    expect(fs.existsSync(path.join(bin, "graph-provisioning-emulator"))).to.equal(true);
    const help = run(process.execPath, [path.join(bin, "graph-provisioning"), "--help"], scratch);
    expect(help).to.match(/templates/);
  });
});
