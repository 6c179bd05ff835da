/**
 * Extra tenants at start: `startEmulator({ tenants })` and the bin's repeatable
 * `--tenant TENANT_ID:CLIENT_ID:SECRET`, so one emulator started with fixed flags serves several
 * `Pulumi.<tenant>.yaml` stacks (examples/per-tenant). Each tenant's client signs in to its own tenant only;
 * a malformed flag is a usage error that does not repeat the secret.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type TenantCredentials } from "../../emulator";
import { parseTenantFlag } from "../../emulator/emulatorOptions";
import { EmulatorTestClient, type EmulatorEndpoints } from "../helpers/emulator";

const ROOT = path.resolve(__dirname, "../..");
const CONTOSO: TenantCredentials = {
  tenantId: "0c7a1f52-3b9e-4d61-8a2f-6e5d4c3b2a10",
  clientId: "1d8b2a63-4c0f-4e72-9b3a-7f6e5d4c3b21",
  clientSecret: "contoso:secret-with-colons-Vb6Nq2",
};
const FABRIKAM: TenantCredentials = {
  tenantId: "2e9c3b74-5d1a-4f83-8c4b-9a7f6e5d4c32",
  clientId: "3f0d4c85-6e2b-4a94-9d5c-0b8a7f6e5d43",
  clientSecret: "fabrikam-secret-Mh3Gt9Ze1Xc7",
};
const flag = (t: TenantCredentials) => `${t.tenantId}:${t.clientId}:${t.clientSecret}`;

/** Runs the bin from source; resolves with its JSON line, or rejects with its exit code and stderr. */
function runBin(args: string[]): { child: ChildProcess; ready: Promise<EmulatorEndpoints> } {
  const child = spawn(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(ROOT, "emulator/main.ts"), ...args],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const ready = new Promise<EmulatorEndpoints>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const newline = out.indexOf("\n");
      if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)) as EmulatorEndpoints);
    });
    child.once("exit", (code) => reject(Object.assign(new Error(err.trim()), { exitCode: code })));
  });
  return { child, ready };
}

describe("emulator: extra tenants at start (--tenant, tenants option) @emulator", function () {
  this.timeout(60_000);
  let dir: string;
  let child: ChildProcess | undefined;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "graph-emulator-tenants-"));
  });
  after(async () => {
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child!.once("exit", () => resolve());
        child!.kill("SIGTERM");
      });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should parse TENANT_ID:CLIENT_ID:SECRET, keeping colons inside the secret", () => {
    expect(parseTenantFlag(flag(CONTOSO))).to.deep.equal(CONTOSO);
    expect(parseTenantFlag(flag({ ...FABRIKAM, tenantId: FABRIKAM.tenantId.toUpperCase() }))).to.deep.equal(
      FABRIKAM,
    );
    expect(() => parseTenantFlag(`${CONTOSO.tenantId}:${CONTOSO.clientId}`)).to.throw(
      /expected TENANT_ID:CLIENT_ID:SECRET/,
    );
    expect(() => parseTenantFlag(`${CONTOSO.tenantId}:${CONTOSO.clientId}:`)).to.throw(/secret: must be/);
    expect(() => parseTenantFlag(`contoso:${CONTOSO.clientId}:s3cr3t`)).to.throw(/tenant id: must be a GUID/);
  });

  it("should serve every --tenant besides the default, each client signing in to its own tenant only", async () => {
    const started = runBin([
      "--port",
      "0",
      "--data-dir",
      path.join(dir, "data"),
      "--tenant",
      flag(CONTOSO),
      "--tenant",
      flag(FABRIKAM),
    ]);
    child = started.child;
    const info = await started.ready;
    const client = new EmulatorTestClient(info);
    // The default tenant is still served, and the JSON line still describes it.
    expect((await client.requestToken()).status).to.equal(200);
    for (const t of [CONTOSO, FABRIKAM]) {
      const token = await client.requestToken(t);
      expect(token.status, token.text).to.equal(200);
      const accessToken = (token.body as { access_token: string }).access_token;
      const apps = await client.call("GET", "/applications", undefined, { token: accessToken });
      expect(apps.status, apps.text).to.equal(200);
      expect((await client.requestToken({ ...t, clientSecret: "wrong-secret" })).status).to.equal(401);
    }
    // A client of one tenant cannot sign in to the other.
    const crossed = await client.requestToken({ ...CONTOSO, tenantId: FABRIKAM.tenantId });
    expect(crossed.status).to.not.equal(200);
  });

  it("should reject a malformed --tenant with a usage error that does not repeat the secret", async () => {
    const secret = "do-not-echo-Zq8Rt5";
    const bad = runBin(["--port", "0", "--data-dir", path.join(dir, "data"), "--tenant", `x:y:${secret}`]);
    const failure = await bad.ready.then(
      () => {
        bad.child.kill("SIGTERM");
        throw new Error("the emulator started with a malformed --tenant");
      },
      (e: Error & { exitCode: number }) => e,
    );
    expect(failure.exitCode).to.not.equal(0);
    expect(failure.message).to.include("--tenant").and.to.include("tenant id: must be a GUID");
    expect(failure.message).to.not.include(secret);
  });

  it("should register tenants given to startEmulator, and name a bad entry by its index", async () => {
    const emulator = await startEmulator({ tenants: [CONTOSO, FABRIKAM] });
    try {
      const client = new EmulatorTestClient(emulator);
      for (const t of [CONTOSO, FABRIKAM]) {
        expect((await client.requestToken(t)).status).to.equal(200);
        expect(emulator.state(t.tenantId).clientIds).to.deep.equal([t.clientId]);
      }
    } finally {
      await emulator.stop();
    }
    try {
      await startEmulator({ tenants: [CONTOSO, { ...FABRIKAM, clientId: "fabrikam-client" }] });
      expect.fail("startEmulator accepted a bad tenants entry");
    } catch (e) {
      expect((e as Error).message).to.match(/^tenants\[1\]\.clientId: must be a GUID/);
    }
  });
});
