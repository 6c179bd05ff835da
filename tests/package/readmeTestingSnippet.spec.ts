// The README's "Testing your own stacks offline" example, run as a user would paste it: the snippet is
// taken from README.md as it stands, put next to a small Pulumi project, and run by mocha in a child
// process. A README that drifts from the testing entry fails here.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { readmeTestingExample } from "../helpers/readmeSnippet";

const repoRoot = path.resolve(__dirname, "../..");

describe("the README's testing example @package", function () {
  // preview + up + destroy through real hosts: ~25 s idle, past 60 s on a loaded 2-core CI machine.
  this.timeout(300_000);
  // Inside the repository (git-ignored) so that the package and chai resolve as in a user's project.
  const projectDir = path.join(repoRoot, ".pulumi-local", "readme-testing-example");

  before(function () {
    if (!fs.existsSync(path.join(repoRoot, "dist/testing/index.js"))) {
      throw new Error("dist/ is missing: run `npm run build` first");
    }
    fs.rmSync(projectDir, { recursive: true, force: true });
    fs.mkdirSync(projectDir, { recursive: true });
    fs.writeFileSync(
      path.join(projectDir, "Pulumi.yaml"),
      "name: readme-example\nruntime: nodejs\nmain: index.ts\n",
    );
    fs.writeFileSync(
      path.join(projectDir, "index.ts"),
      `import { AppProvisioning } from "pulumi-graph-provisioning";
       const app = new AppProvisioning("aws", {
         displayName: "AWS README",
         templateId: "8b1025e4-1dd2-430b-a150-2ef79cd700f5",
         jobTemplateId: "aws",
         credentials: { ClientSecret: "readme-example-client-secret", SecretToken: "readme-example-token" },
       });
       export const statusCode = app.statusCode;
      `,
    );
    fs.writeFileSync(path.join(projectDir, "example.spec.ts"), readmeTestingExample());
  });

  after(function () {
    fs.rmSync(projectDir, { recursive: true, force: true });
  });

  it("should pass as written, printing the up summary", function () {
    const mocha = path.join(repoRoot, "node_modules/mocha/bin/mocha.js");
    const run = spawnSync(
      process.execPath,
      [
        mocha,
        "--no-config",
        "-r",
        "ts-node/register/transpile-only",
        "--timeout",
        "240000",
        "--exit",
        "example.spec.ts",
      ],
      { cwd: projectDir, encoding: "utf8" },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).to.equal(0);
    expect(output).to.match(/1 passing/);
    expect(output).to.match(/\+ 6 created/);
    expect(output).not.to.include("readme-example-token");
  });
});
