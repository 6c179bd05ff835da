import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import { createHttpsAgent, readCaFile, trustedSecureContext } from "../../../provider/graph/httpsAgent";

/** A self-signed CA certificate for 127.0.0.1 (key + cert PEM). */
async function selfSigned(): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function get(url: string, agent: https.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

describe("httpsAgent: one TLS context for the token and Graph calls", function () {
  this.timeout(20_000);
  let dir: string;
  let caFile: string;
  let pems: { key: string; cert: string };
  let server: https.Server;
  let url: string;

  before(async () => {
    pems = await selfSigned();
    dir = mkdtempSync(path.join(tmpdir(), "https-agent-"));
    caFile = path.join(dir, "ca.pem");
    writeFileSync(caFile, pems.cert);
    server = https.createServer({ key: pems.key, cert: pems.cert }, (_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("should build the context once per CA content and reuse it for every agent", async () => {
    const first = trustedSecureContext(caFile);
    expect(trustedSecureContext(caFile)).to.equal(first);
    const other = path.join(dir, "other.pem");
    writeFileSync(other, (await selfSigned()).cert);
    expect(trustedSecureContext(other)).not.to.equal(first);
    // Same content under another path: the same context.
    const copy = path.join(dir, "copy.pem");
    writeFileSync(copy, pems.cert);
    expect(trustedSecureContext(copy)).to.equal(first);
  });

  it("should trust the CA file through the shared context (and not without it)", async () => {
    const agent = createHttpsAgent({ caFile });
    try {
      expect(await get(url, agent)).to.equal("ok");
    } finally {
      agent.destroy();
    }
    const plain = createHttpsAgent();
    try {
      const err = await get(url, plain).catch((e: Error & { code?: string }) => e);
      expect(err).to.be.instanceOf(Error);
      expect((err as { code?: string }).code).to.match(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    } finally {
      plain.destroy();
    }
  });

  it("should name caFile and the path when the file is missing or holds no certificate", () => {
    const missing = path.join(dir, "missing.pem");
    expect(() => trustedSecureContext(missing)).to.throw(
      `connection.caFile: cannot read CA file "${missing}"`,
    );
    const empty = path.join(dir, "empty.pem");
    writeFileSync(empty, "not a certificate");
    expect(() => readCaFile(empty)).to.throw(/connection.caFile: .*holds no PEM certificate/);
  });
});
