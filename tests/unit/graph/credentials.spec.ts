import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "selfsigned";
import { resolveConnection } from "../../../provider/graph/connection";
import {
  AccessTokenCache,
  clearTokenCaches,
  graphScope,
  isMicrosoftAuthorityHost,
  tokenRequestCount,
} from "../../../provider/graph/credentials";
import { clearGraphClients, GraphClient, graphClientFor } from "../../../provider/graph/graphClient";
import { CountingTokenCredential } from "../../helpers/countingTokenCredential";
import { startScriptedGraphServer } from "../../helpers/scriptedGraphServer";
import type { RecordedRequest, ScriptedGraphServer, ScriptedReply } from "../../helpers/scriptedGraphServer";

describe("AccessTokenCache", () => {
  it("should reuse one token across many calls", async () => {
    const credential = new CountingTokenCredential();
    const cache = new AccessTokenCache(credential, "https://graph.microsoft.com/.default");
    const tokens = new Set<string>();
    for (let i = 0; i < 200; i++) tokens.add(await cache.getToken());
    expect([...tokens]).to.deep.equal(["fake-token-1"]);
    expect(credential.calls).to.equal(1);
    expect(cache.tokenRequests).to.equal(1);
    expect(credential.scopes).to.deep.equal(["https://graph.microsoft.com/.default"]);
  });

  it("should make one token request for 200 concurrent callers", async () => {
    let open!: () => void;
    const credential = new CountingTokenCredential({ gate: new Promise<void>((r) => (open = r)) });
    const cache = new AccessTokenCache(credential, "s");
    const pending = Array.from({ length: 200 }, () => cache.getToken());
    open();
    const tokens = await Promise.all(pending);
    expect(new Set(tokens)).to.deep.equal(new Set(["fake-token-1"]));
    expect(credential.calls).to.equal(1);
  });

  it("should re-acquire 5 minutes before expiry, not earlier", async () => {
    let now = 1_000_000;
    const credential = new CountingTokenCredential({ lifetimeMs: 3_600_000, now: () => now });
    const cache = new AccessTokenCache(credential, "s", { now: () => now });
    expect(await cache.getToken()).to.equal("fake-token-1");
    now += 3_600_000 - 300_000 - 1;
    expect(await cache.getToken()).to.equal("fake-token-1");
    now += 1;
    expect(await cache.getToken()).to.equal("fake-token-2");
    expect(await cache.getToken()).to.equal("fake-token-2");
    expect(credential.calls).to.equal(2);
  });

  it("should refresh a short-lived token at half its lifetime", async () => {
    let now = 0;
    const credential = new CountingTokenCredential({ lifetimeMs: 120_000, now: () => now });
    const cache = new AccessTokenCache(credential, "s", { now: () => now });
    await cache.getToken();
    now = 59_999;
    expect(await cache.getToken()).to.equal("fake-token-1");
    now = 60_000;
    expect(await cache.getToken()).to.equal("fake-token-2");
  });

  it("should not cache a failure: every waiting caller gets it, the next call asks again", async () => {
    let fail = true;
    let calls = 0;
    const cache = new AccessTokenCache(
      {
        getToken: async () => {
          calls++;
          if (fail) throw new Error("AADSTS700016: Application not found");
          return { token: "ok-token", expiresOnTimestamp: Date.now() + 3_600_000 };
        },
      },
      "s",
    );
    const results = await Promise.allSettled([cache.getToken(), cache.getToken()]);
    expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
    expect(calls).to.equal(1);
    fail = false;
    expect(await cache.getToken()).to.equal("ok-token");
    expect(calls).to.equal(2);
  });
});

describe("credential helpers", () => {
  it("should know Microsoft authority hosts and the Graph scope", () => {
    expect(isMicrosoftAuthorityHost("https://login.microsoftonline.com")).to.equal(true);
    expect(isMicrosoftAuthorityHost("https://login.microsoftonline.us/")).to.equal(true);
    expect(isMicrosoftAuthorityHost("https://127.0.0.1:8443")).to.equal(false);
    expect(graphScope("https://graph.microsoft.com/")).to.equal("https://graph.microsoft.com/.default");
  });
});

describe("GraphClient token use", () => {
  let server: ScriptedGraphServer;
  before(async () => {
    server = await startScriptedGraphServer({ fallback: { status: 200, body: { id: "x" } } });
  });
  after(() => server.close());

  it("should make one token request for 200 concurrent Graph calls", async () => {
    const credential = new CountingTokenCredential();
    const cache = new AccessTokenCache(credential, graphScope(server.url));
    const client = new GraphClient({ baseUrl: server.url, getToken: () => cache.getToken() });
    await Promise.all(Array.from({ length: 200 }, () => client.getApplication("x")));
    expect(credential.calls).to.equal(1);
    expect(server.requests).to.have.length(200);
    expect(server.requests.every((r) => r.headers.authorization === "Bearer fake-token-1")).to.equal(true);
  });
});

describe("ClientSecretCredential over HTTPS with caFile (real @azure/identity)", function () {
  this.timeout(20_000);
  const tenant = "11111111-2222-3333-4444-555555555555";
  const clientId = "66666666-7777-8888-9999-000000000000";
  const clientSecret = "real-credential-secret-value";
  const accessToken = "issued-access-token-abc";
  let server: ScriptedGraphServer;
  let dir: string;
  let caFile: string;

  function reply(req: RecordedRequest): ScriptedReply {
    const base = server.url;
    if (req.method === "GET" && req.path === `/${tenant}/v2.0/.well-known/openid-configuration`) {
      return {
        status: 200,
        body: {
          issuer: `${base}/${tenant}/v2.0`,
          authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
          jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
          response_types_supported: ["code", "token"],
          subject_types_supported: ["pairwise"],
          id_token_signing_alg_values_supported: ["RS256"],
        },
      };
    }
    if (req.method === "POST" && req.path === `/${tenant}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(req.body);
      if (form.get("client_secret") !== clientSecret || form.get("client_id") !== clientId) {
        return {
          status: 401,
          body: { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret." },
        };
      }
      return {
        status: 200,
        body: {
          token_type: "Bearer",
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: accessToken,
          scope: form.get("scope"),
        },
      };
    }
    if (req.path.startsWith("/v1.0/")) {
      if (req.headers.authorization !== `Bearer ${accessToken}`) {
        return { status: 401, body: { error: { code: "InvalidAuthenticationToken", message: "no" } } };
      }
      return {
        status: 200,
        body: { id: "app-1", appId: clientId, displayName: "x", applicationTemplateId: null },
      };
    }
    return { status: 404, body: { error: { code: "NotFound", message: req.path } } };
  }

  before(async () => {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      algorithm: "sha256",
      extensions: [
        { name: "basicConstraints", cA: true },
        {
          name: "subjectAltName",
          altNames: [
            { type: 7, ip: "127.0.0.1" },
            { type: 2, value: "localhost" },
          ],
        },
      ],
    });
    dir = mkdtempSync(path.join(tmpdir(), "graph-client-ca-"));
    caFile = path.join(dir, "ca.pem");
    writeFileSync(caFile, pems.cert);
    server = await startScriptedGraphServer({ tls: { key: pems.private, cert: pems.cert } });
    server.setFallback(reply);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    clearGraphClients();
    clearTokenCaches();
  });

  it("should fetch one token through the extra CA and reuse it for every Graph call", async () => {
    const conn = resolveConnection(
      {
        tenantId: tenant,
        clientId,
        clientSecret,
        authorityHost: server.url,
        graphEndpoint: server.url,
        caFile,
      },
      undefined,
      {},
    );
    const before = tokenRequestCount();
    const client = graphClientFor(conn);
    expect(graphClientFor({ ...conn })).to.equal(client);
    const apps = await Promise.all(Array.from({ length: 20 }, () => client.getApplication("app-1")));
    expect(apps[0].id).to.equal("app-1");
    await client.getApplication("app-1");
    const tokenPosts = server.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
    expect(tokenPosts).to.have.length(1);
    expect(tokenRequestCount() - before).to.equal(1);
    const form = new URLSearchParams(tokenPosts[0].body);
    expect(form.get("grant_type")).to.equal("client_credentials");
    expect(form.get("scope")).to.equal(`${server.url}/.default`);
    expect(server.requests.filter((r) => r.path.startsWith("/v1.0/"))).to.have.length(21);
  });

  it("should fail the TLS handshake without the CA file (so the CA really is what made it work)", async () => {
    const conn = resolveConnection(
      {
        tenantId: tenant,
        clientId: "99999999-7777-8888-9999-000000000000",
        clientSecret,
        authorityHost: server.url,
        graphEndpoint: server.url,
      },
      undefined,
      {},
    );
    const before = server.requests.length;
    const err = await graphClientFor(conn)
      .getApplication("app-1")
      .catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    expect(String(err.message)).not.to.contain(clientSecret);
    // The handshake fails before any HTTP request reaches the server.
    expect(server.requests.length).to.equal(before);
  });
});
