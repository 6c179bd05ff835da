/**
 * Issue 10 item 8: the control API (reset, faults, `info` with the client secret) refuses callers that are
 * neither on loopback nor holding the emulator's client secret; `ca.pem` concatenates into a CA bundle.
 * Other machines cannot be reached here, so the decision is tested as a function over remote addresses, and
 * the wire path with loopback trust turned off (the reverse-proxy setting), where loopback callers are
 * treated exactly as remote ones.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { connectEmulator, startEmulator, type EmulatorHandle } from "../../emulator";
import { CONTROL_SECRET_HEADER, controlCallerAllowed, isLoopbackAddress } from "../../emulator/controlAccess";
import { httpsRequest } from "../helpers/emulator";

const SECRET = "control-access-test-secret-7Hq2";
const REMOTE = [
  "10.0.0.5",
  "192.168.1.20",
  "::ffff:10.1.2.3",
  "2001:db8::17",
  "fe80::1",
  "0.0.0.0",
  undefined,
];
const LOOPBACK = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"];

describe("emulator: control API access (issue 10 item 8) @emulator", () => {
  describe("controlCallerAllowed", () => {
    const trusting = { clientSecret: SECRET, trustLoopback: true };

    it("should refuse every non-loopback caller without the secret, or with a wrong one", () => {
      for (const remoteAddress of REMOTE) {
        expect(isLoopbackAddress(remoteAddress), String(remoteAddress)).to.equal(false);
        for (const presentedSecret of [undefined, "", "wrong", `${SECRET}x`, [SECRET, SECRET]]) {
          expect(
            controlCallerAllowed({ remoteAddress, presentedSecret }, trusting),
            String(remoteAddress),
          ).to.equal(false);
        }
      }
    });

    it("should accept a non-loopback caller that presents the client secret", () => {
      for (const remoteAddress of REMOTE) {
        expect(controlCallerAllowed({ remoteAddress, presentedSecret: SECRET }, trusting)).to.equal(true);
      }
    });

    it("should trust loopback callers only while loopback trust is on", () => {
      for (const remoteAddress of LOOPBACK) {
        expect(isLoopbackAddress(remoteAddress), remoteAddress).to.equal(true);
        const caller = { remoteAddress, presentedSecret: undefined };
        expect(controlCallerAllowed(caller, trusting)).to.equal(true);
        expect(controlCallerAllowed(caller, { ...trusting, trustLoopback: false })).to.equal(false);
      }
    });
  });

  describe("over HTTPS with loopback trust off", () => {
    let emulator: EmulatorHandle;
    let ca: string;
    before(async () => {
      emulator = await startEmulator({ clientSecret: SECRET, controlTrustsLoopback: false });
      ca = fs.readFileSync(emulator.caFile, "utf8");
    });
    after(() => emulator.stop());

    it("should refuse info, reset and fault injection without the secret, naming the header, never the secret", async () => {
      for (const [method, p] of [
        ["GET", "/info"],
        ["POST", "/reset"],
        ["POST", "/faults"],
        ["GET", "/state"],
      ]) {
        const variants: Record<string, string>[] = [{}, { [CONTROL_SECRET_HEADER]: "not-the-secret" }];
        for (const headers of variants) {
          const res = await httpsRequest(`${emulator.controlUrl}${p}`, {
            method,
            headers: { "Content-Type": "application/json", ...headers },
            body:
              method === "POST" && p === "/faults"
                ? JSON.stringify({ kind: "reset", pathPattern: "/applications" })
                : undefined,
            ca,
          });
          expect(res.status, `${method} ${p}`).to.equal(403);
          expect(res.text).to.contain(CONTROL_SECRET_HEADER).and.not.contain(SECRET);
        }
      }
      // The refused POST /faults injected nothing.
      const control = connectEmulator(emulator.controlUrl, emulator.caFile, SECRET);
      expect(await control.listFaults()).to.deep.equal([]);
    });

    it("should answer connectEmulator, which sends the client secret", async () => {
      const control = connectEmulator(emulator.controlUrl, emulator.caFile, SECRET);
      const info = await control.info();
      expect(info.tenantId).to.equal(emulator.tenantId);
      const id = await control.injectFault({ kind: "reset", method: "GET", pathPattern: "/applications" });
      expect((await control.listFaults()).map((f) => f.id)).to.deep.equal([id]);
      await control.reset();
      expect(await control.listFaults()).to.deep.equal([]);
    });

    it("should refuse a control client holding another secret", async () => {
      const control = connectEmulator(emulator.controlUrl, emulator.caFile, "some-other-secret");
      const outcome = await control.info().then(
        () => "answered",
        (e: Error) => e.message,
      );
      expect(outcome)
        .to.match(/: 403: /)
        .and.contain(CONTROL_SECRET_HEADER);
    });
  });

  it("should keep answering loopback callers without the secret by default", async () => {
    const emulator = await startEmulator({ clientSecret: SECRET });
    try {
      const res = await httpsRequest(`${emulator.controlUrl}/faults`, {
        ca: fs.readFileSync(emulator.caFile, "utf8"),
      });
      expect(res.status).to.equal(200);
    } finally {
      await emulator.stop();
    }
  });
});

describe("emulator: ca.pem in a CA bundle (issue 10 item 8) @emulator", () => {
  let first: EmulatorHandle;
  let second: EmulatorHandle;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ca-bundle-"));
    first = await startEmulator({ dataDir: path.join(dir, "first") });
    second = await startEmulator({ dataDir: path.join(dir, "second") });
  });
  after(async () => {
    await Promise.all([first.stop(), second.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("should end ca.pem with a newline", () => {
    expect(fs.readFileSync(first.caFile, "utf8")).to.match(/-----END CERTIFICATE-----\n$/);
  });

  it("should complete a TLS handshake with both emulators through `cat ca.pem other.pem > bundle.pem`", async () => {
    // What `cat` does: the bytes of each file, one after the other.
    const bundle = path.join(dir, "bundle.pem");
    fs.writeFileSync(bundle, Buffer.concat([fs.readFileSync(first.caFile), fs.readFileSync(second.caFile)]));
    const ca = fs.readFileSync(bundle, "utf8");
    for (const emulator of [first, second]) {
      const res = await httpsRequest(`${emulator.controlUrl}/faults`, { ca });
      expect(res.status, emulator.graphEndpoint).to.equal(200);
    }
  });
});
