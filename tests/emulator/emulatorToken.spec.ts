/** The token side: the real @azure/identity ClientSecretCredential against the emulator, and AADSTS errors. */
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import { ClientSecretCredential } from "@azure/identity";
import { expect } from "chai";
import * as fs from "fs";
import * as https from "https";
import { startEmulator, type EmulatorHandle } from "../../emulator";
import { EmulatorTestClient, httpsRequest } from "../helpers/emulator";

/** An HttpClient that trusts the emulator's caFile (what NODE_EXTRA_CA_CERTS does for a child process). */
function trustingHttpClient(caFile: string): HttpClient {
  const inner = createDefaultHttpClient();
  const agent = new https.Agent({ ca: fs.readFileSync(caFile, "utf8") });
  return {
    sendRequest: (request) => {
      request.agent = agent;
      return inner.sendRequest(request);
    },
  };
}

describe("emulator: token endpoint @emulator", () => {
  let emulator: EmulatorHandle;
  let graph: EmulatorTestClient;

  before(async () => {
    emulator = await startEmulator({ port: 0 });
    graph = new EmulatorTestClient(emulator);
  });
  after(() => emulator.stop());

  it("should issue a token to the real ClientSecretCredential that Graph routes accept", async () => {
    const credential = new ClientSecretCredential(
      emulator.tenantId,
      emulator.clientId,
      emulator.clientSecret,
      {
        authorityHost: emulator.authorityHost,
        disableInstanceDiscovery: true,
        httpClient: trustingHttpClient(emulator.caFile),
      },
    );
    const token = await credential.getToken("https://graph.microsoft.com/.default");
    expect(token.token).to.be.a("string").and.not.equal("");
    expect(token.expiresOnTimestamp).to.be.greaterThan(Date.now());
    const res = await graph.call("GET", "/applicationTemplates", undefined, { token: token.token });
    expect(res.status).to.equal(200);
    const tokenCalls = emulator.requestLog().filter((e) => e.kind === "token");
    expect(tokenCalls.map((e) => `${e.method} ${e.path} ${e.status}`)).to.include(
      `POST /${emulator.tenantId}/oauth2/v2.0/token 200`,
    );
  });

  it("should make ClientSecretCredential fail with AADSTS7000215 on a wrong secret, without echoing the secret", async () => {
    const wrong = "definitely-not-the-secret-123";
    const credential = new ClientSecretCredential(emulator.tenantId, emulator.clientId, wrong, {
      authorityHost: emulator.authorityHost,
      disableInstanceDiscovery: true,
      httpClient: trustingHttpClient(emulator.caFile),
    });
    let message = "";
    try {
      await credential.getToken("https://graph.microsoft.com/.default");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.include("AADSTS7000215");
    expect(message).not.to.include(wrong);
  });

  it("should serve OpenID metadata with the endpoints MSAL requires", async () => {
    const res = await httpsRequest(
      `${emulator.authorityHost}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`,
      { ca: graph.ca },
    );
    expect(res.status).to.equal(200);
    const body = res.body as Record<string, string>;
    const base = `${emulator.authorityHost}/${emulator.tenantId}`;
    expect(body).to.include({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      issuer: `${base}/v2.0`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    });
  });

  it("should answer a wrong secret with 401 invalid_client in the AADSTS shape", async () => {
    const res = await graph.requestToken({ clientSecret: "wrong" });
    expect(res.status).to.equal(401);
    const body = res.body as {
      error: string;
      error_description: string;
      error_codes: number[];
      trace_id: string;
      correlation_id: string;
    };
    expect(body.error).to.equal("invalid_client");
    expect(body.error_codes).to.deep.equal([7000215]);
    expect(body.error_description).to.match(/^AADSTS7000215: .*\r\nTrace ID: /);
    expect(body.trace_id).to.equal(res.headers["request-id"]);
  });

  it("should answer an unknown client, an unknown tenant and a scope without /.default with 400", async () => {
    const client = await graph.requestToken({ clientId: "11111111-2222-3333-4444-555555555555" });
    expect([client.status, (client.body as { error_codes: number[] }).error_codes[0]]).to.deep.equal([
      400, 700016,
    ]);
    const tenant = await graph.requestToken({ tenantId: "99999999-2222-3333-4444-555555555555" });
    expect([tenant.status, (tenant.body as { error_codes: number[] }).error_codes[0]]).to.deep.equal([
      400, 90002,
    ]);
    const scope = await graph.requestToken({ scope: "User.Read" });
    expect([scope.status, (scope.body as { error: string }).error]).to.deep.equal([400, "invalid_scope"]);
  });

  it("should refuse Graph calls without a token, with a forged token or for another audience (401 InvalidAuthenticationToken)", async () => {
    const none = await graph.call<{ error: { code: string; message: string } }>(
      "GET",
      "/applications",
      undefined,
      { token: null },
    );
    expect(none.status).to.equal(401);
    expect(none.body.error.code).to.equal("InvalidAuthenticationToken");
    const good = await graph.accessToken();
    const [h, p] = good.split(".");
    const forged = await graph.call<{ error: { code: string } }>("GET", "/applications", undefined, {
      token: `${h}.${p}.AAAA`,
    });
    expect([forged.status, forged.body.error.code]).to.deep.equal([401, "InvalidAuthenticationToken"]);
    const arm = await graph.requestToken({ scope: "https://management.azure.com/.default" });
    const wrongAudience = await graph.call<{ error: { message: string } }>(
      "GET",
      "/applications",
      undefined,
      {
        token: (arm.body as { access_token: string }).access_token,
      },
    );
    expect(wrongAudience.status).to.equal(401);
    expect(wrongAudience.body.error.message).to.include("Invalid audience");
  });

  it("should refuse an expired token", async () => {
    emulator.configure({ tokenLifetimeSeconds: 1 });
    try {
      const res = await graph.requestToken();
      const token = (res.body as { access_token: string; expires_in: number }).access_token;
      expect((res.body as { expires_in: number }).expires_in).to.equal(1);
      // The token's exp has second precision: wait until it has certainly passed.
      await new Promise((r) => setTimeout(r, 2100));
      const call = await graph.call<{ error: { message: string } }>("GET", "/applications", undefined, {
        token,
      });
      expect(call.status).to.equal(401);
      expect(call.body.error.message).to.include("expired");
    } finally {
      emulator.configure({ tokenLifetimeSeconds: 3599 });
    }
  });
});
