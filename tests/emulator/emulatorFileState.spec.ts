/**
 * File-state mode across processes: two emulator processes (the `graph-provisioning-emulator` bin, run from
 * source under ts-node) sharing one state file and data directory see the same tenant, accept each other's
 * tokens, and a restart with the same flags reuses the certificate and the state.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EmulatorTestClient, type EmulatorEndpoints } from "../helpers/emulator";

const ROOT = path.resolve(__dirname, "../..");

interface Started {
  child: ChildProcess;
  info: EmulatorEndpoints;
}

/** Starts the bin from source and resolves with the JSON line it prints. */
function startProcess(args: string[]): Promise<Started> {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(ROOT, "emulator/main.ts"), ...args],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    let started = false;
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf("\n");
      if (newline >= 0 && !started) {
        started = true;
        resolve({ child, info: JSON.parse(out.slice(0, newline)) as EmulatorEndpoints });
      }
    });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code}: ${err}`)));
  });
}

function stopProcess(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    started.child.once("exit", () => resolve());
    started.child.kill("SIGTERM");
  });
}

describe("emulator: file state across processes @emulator", function () {
  this.timeout(60_000);
  let dir: string;
  let a: Started | undefined;
  let b: Started | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-emulator-state-"));
  });
  after(async () => {
    await Promise.all([stopProcess(a), stopProcess(b)]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should share one tenant between two processes and survive a restart", async () => {
    const args = [
      "--port",
      "0",
      "--state",
      path.join(dir, "state.json"),
      "--data-dir",
      path.join(dir, "data"),
    ];
    [a, b] = await Promise.all([startProcess(args), startProcess(args)]);
    expect(Object.keys(a.info).sort()).to.deep.equal([
      "authorityHost",
      "caFile",
      "clientId",
      "clientSecret",
      "graphEndpoint",
      "tenantId",
    ]);
    expect(b.info.caFile).to.equal(a.info.caFile);
    expect(b.info.graphEndpoint).not.to.equal(a.info.graphEndpoint);

    const viaA = new EmulatorTestClient(a.info);
    const created = await viaA.call<{ application: { id: string }; servicePrincipal: { id: string } }>(
      "POST",
      "/applicationTemplates/8b1025e4-1dd2-430b-a150-2ef79cd700f5/instantiate",
      { displayName: "Shared across processes" },
    );
    expect(created.status).to.equal(201);
    const { servicePrincipal } = created.body;
    const secret = "process-a-secret-token-value";
    expect(
      (
        await viaA.call("PUT", `/servicePrincipals/${servicePrincipal.id}/synchronization/secrets`, {
          value: [{ key: "SecretToken", value: secret }],
        })
      ).status,
    ).to.equal(204);

    // B reads what A wrote, with a token A issued (same data directory ⇒ same signing key).
    const viaB = new EmulatorTestClient({ ...b.info });
    const tokenFromA = await viaA.accessToken();
    const read = await viaB.call<{ displayName: string }>(
      "GET",
      `/servicePrincipals/${servicePrincipal.id}`,
      undefined,
      { token: tokenFromA },
    );
    expect(read.status).to.equal(200);
    expect(read.body.displayName).to.equal("Shared across processes");
    const secrets = await viaB.call<{ value: { key: string; value: string }[] }>(
      "GET",
      `/servicePrincipals/${servicePrincipal.id}/synchronization/secrets`,
    );
    expect(secrets.body.value).to.deep.equal([{ key: "SecretToken", value: "*" }]);

    // A write through B is visible through A.
    expect(
      (
        await viaB.call("PATCH", `/applications/${created.body.application.id}`, {
          displayName: "Renamed by B",
        })
      ).status,
    ).to.equal(204);
    expect(
      (await viaA.call<{ displayName: string }>("GET", `/applications/${created.body.application.id}`)).body
        .displayName,
    ).to.equal("Renamed by B");

    // The state file never holds the secret value.
    expect(fs.readFileSync(path.join(dir, "state.json"), "utf8")).not.to.include(secret);

    // Restart A with the same flags: same certificate file content, same objects.
    const caBefore = fs.readFileSync(a.info.caFile, "utf8");
    await stopProcess(a);
    a = await startProcess(args);
    expect(fs.readFileSync(a.info.caFile, "utf8")).to.equal(caBefore);
    const again = await new EmulatorTestClient(a.info).call<{ displayName: string }>(
      "GET",
      `/applications/${created.body.application.id}`,
      undefined,
      {
        token: tokenFromA,
      },
    );
    expect(again.status).to.equal(200);
    expect(again.body.displayName).to.equal("Renamed by B");
  });
});
