import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import sinon from "sinon";
import { GraphClient } from "../../../provider/graph/graphClient";
import { GraphError } from "../../../provider/graph/graphError";
import { REDACTED, redact, redactValue, registerSecret } from "../../../provider/graph/redaction";
import { graphErrorBody, startScriptedGraphServer } from "../../helpers/scriptedGraphServer";
import type { ScriptedGraphServer } from "../../helpers/scriptedGraphServer";

const SP = "sp-1";

function unique(prefix: string): string {
  return `${prefix}-${randomBytes(8).toString("hex")}`;
}

/** Every text form of an error a user or a log could see. */
function everyForm(err: Error): string {
  return [err.message, err.stack, JSON.stringify(err), inspect(err, { depth: 10 }), String(err)].join("\n");
}

describe("redact", () => {
  it("should remove bearer tokens, Authorization values and client_secret/access_token values", () => {
    const text =
      'Authorization: Bearer eyJ0eXAi.abc-def_ghi, "authorization":"xyz123secret" ' +
      "grant_type=client_credentials&client_secret=s3cr3t~value&scope=x " +
      '{"access_token":"tok-abc","client_secret":"cs-1"} access_token=qq';
    const out = redact(text);
    for (const leaked of ["eyJ0eXAi.abc-def_ghi", "xyz123secret", "s3cr3t~value", "tok-abc", "cs-1", "=qq"]) {
      expect(out).not.to.contain(leaked);
    }
    expect(out).to.contain("grant_type=client_credentials");
    expect(out).to.contain("scope=x");
    expect(out).to.contain(REDACTED);
  });

  it("should remove given and registered values, also JSON-escaped and URL-encoded", () => {
    const registered = unique('reg"with/quote&plus+');
    registerSecret(registered);
    const given = unique("given");
    const text = [
      registered,
      JSON.stringify({ v: registered }),
      encodeURIComponent(registered),
      JSON.stringify(JSON.stringify({ v: registered })),
      `x${given}y`,
    ].join(" | ");
    const out = redact(text, [given]);
    expect(out).not.to.contain(given);
    expect(out).not.to.contain(registered.slice(0, 20));
    expect(out).not.to.contain(encodeURIComponent(registered).slice(0, 20));
  });

  it("should leave short values, booleans and numbers alone (setting-like credential values)", () => {
    registerSecret("ab");
    registerSecret("false");
    registerSecret("12345");
    expect(redact('about a table: {"Enabled":false,"n":12345}', ["xy", "true"])).to.equal(
      'about a table: {"Enabled":false,"n":12345}',
    );
  });

  it("should redact strings deep inside values and credential-named properties whole", () => {
    const secret = unique("deep");
    const out = redactValue({ a: [{ b: `has ${secret}` }], clientSecret: "anything", n: 3 }, [secret]);
    expect(out).to.deep.equal({ a: [{ b: `has ${REDACTED}` }], clientSecret: REDACTED, n: 3 });
  });
});

describe("GraphClient secret redaction", () => {
  let server: ScriptedGraphServer;
  before(async () => {
    server = await startScriptedGraphServer();
  });
  after(() => server.close());
  afterEach(() => sinon.restore());

  it("should keep a planted credential value and token out of every message, stack, JSON and log line", async () => {
    const credential = unique("SecretTokenValue");
    const token = unique("bearer-token");
    // Worst case: the service echoes the request, token and all, in its error message.
    server.setFallback((req) => ({
      status: 400,
      body: graphErrorBody(
        "BadRequest",
        `Invalid credentials in ${req.body} sent with ${req.headers.authorization} (raw ${token})`,
      ),
    }));
    const lines: string[] = [];
    const captured: string[] = [];
    const capture = (...args: unknown[]) =>
      void captured.push(args.map((a) => inspect(a, { depth: 10 })).join(" "));
    sinon.stub(console, "error").callsFake(capture);
    sinon.stub(console, "log").callsFake(capture);
    sinon.stub(console, "warn").callsFake(capture);

    const client = new GraphClient({
      baseUrl: server.url,
      getToken: async () => token,
      log: (line) => {
        lines.push(line);
        console.error(line);
      },
      sleep: async () => undefined,
    });
    const errors: Error[] = [];
    errors.push(
      await client
        .validateCredentials(SP, {
          templateId: "scim",
          credentials: [{ key: "SecretToken", value: credential }],
        })
        .catch((e) => e),
    );
    errors.push(
      await client.putSynchronizationSecrets(SP, [{ key: "SecretToken", value: credential }]).catch((e) => e),
    );
    // A throttled, retried PUT whose retries are logged, then fails with the echo.
    server.enqueue({
      status: 429,
      body: graphErrorBody("TooManyRequests", `slow down ${credential} ${token}`),
      headers: { "Retry-After": "0" },
    });
    errors.push(
      await client.putSynchronizationSecrets(SP, [{ key: "SecretToken", value: credential }]).catch((e) => e),
    );
    for (const err of errors) console.error(err);
    server.setFallback({ status: 599 });

    // The server really did receive the secret and the token: there was something to redact.
    expect(server.requests.some((r) => r.body.includes(credential))).to.equal(true);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${token}`)).to.equal(true);
    expect(lines).to.have.length(1);
    expect(errors).to.have.length(3);
    for (const err of errors) {
      expect(err).to.be.instanceOf(GraphError);
      const forms = everyForm(err);
      expect(forms).not.to.contain(credential);
      expect(forms).not.to.contain(token);
      expect(forms).to.contain("400 BadRequest: Invalid credentials");
    }
    const output = [...lines, ...captured].join("\n");
    expect(captured.length).to.be.greaterThan(3);
    expect(output).not.to.contain(credential);
    expect(output).not.to.contain(token);
  });

  it("should keep the token out of a transport failure", async () => {
    const token = unique("tok");
    server.enqueue({ reset: true });
    const client = new GraphClient({
      baseUrl: server.url,
      getToken: async () => token,
      sleep: async () => undefined,
    });
    const err = await client.startSynchronizationJob(SP, "job.1").catch((e) => e);
    expect(err.code).to.equal(GraphError.REQUEST_SEND_ERROR);
    expect(everyForm(err)).not.to.contain(token);
    // No axios error (which holds the request config and headers) is attached.
    expect((err as { cause?: unknown }).cause).to.equal(undefined);
    expect(Object.keys(err)).not.to.include("config");
  });
});
