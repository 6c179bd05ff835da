import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import {
  createHttpsAgent,
  proxyFor,
  readCaFile,
  trustedSecureContext,
} from "../../../provider/graph/httpsAgent";
import { redact } from "../../../provider/graph/redaction";
import { PROXY_VARIABLES } from "../../helpers/proxyFreeEnvironment";

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

function get(url: string, agent: http.Agent): Promise<string> {
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

describe("proxyFor: which proxy an https call goes through", () => {
  afterEach(() => {
    for (const name of PROXY_VARIABLES) delete process.env[name];
  });

  it("should connect directly when no proxy is set anywhere", () => {
    expect(proxyFor("https://graph.microsoft.com/v1.0")).to.equal(undefined);
  });

  it("should take HTTPS_PROXY, then ALL_PROXY, except for hosts NO_PROXY lists", () => {
    process.env.ALL_PROXY = "http://all.example:8080";
    expect(proxyFor("https://graph.microsoft.com/v1.0")).to.equal("http://all.example:8080");
    process.env.HTTPS_PROXY = "http://proxy.example:3128";
    expect(proxyFor("https://graph.microsoft.com/v1.0")).to.equal("http://proxy.example:3128");
    process.env.NO_PROXY = "login.microsoftonline.com,.internal.example";
    expect(proxyFor("https://login.microsoftonline.com/t")).to.equal(undefined);
    expect(proxyFor("https://graph.internal.example")).to.equal(undefined);
    expect(proxyFor("https://graph.microsoft.com")).to.equal("http://proxy.example:3128");
    process.env.NO_PROXY = "*";
    expect(proxyFor("https://graph.microsoft.com")).to.equal(undefined);
  });

  it('should let the proxy setting win over the environment, and "direct" turn it off', () => {
    process.env.HTTPS_PROXY = "http://proxy.example:3128";
    process.env.NO_PROXY = "graph.microsoft.com";
    expect(proxyFor("https://graph.microsoft.com", "http://other.example:8080")).to.equal(
      "http://other.example:8080",
    );
    expect(proxyFor("https://login.microsoftonline.com", "direct")).to.equal(undefined);
  });

  it("should redact the password of a proxy taken from HTTPS_PROXY, as of one from the setting", () => {
    const password = "env-proxy-pw-" + Date.now().toString(36);
    process.env.HTTPS_PROXY = `http://corp:${password}@proxy.example:3128`;
    const text = `connect ECONNREFUSED via ${proxyFor("https://graph.microsoft.com")}`;
    // Booleans, so a failure cannot print the password.
    expect(text.includes(password)).to.equal(true);
    expect(redact(text).includes(password)).to.equal(false);
  });

  it("should never proxy plain http (a local emulator)", () => {
    process.env.HTTPS_PROXY = "http://proxy.example:3128";
    process.env.HTTP_PROXY = "http://proxy.example:3128";
    expect(proxyFor("http://127.0.0.1:8080", "http://other.example:8080")).to.equal(undefined);
    expect(proxyFor("http://127.0.0.1:8080")).to.equal(undefined);
  });
});
