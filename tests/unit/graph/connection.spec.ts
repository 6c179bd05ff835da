import { expect } from "chai";
import {
  connectionKey,
  credentialKey,
  describeConnection,
  resolveConnection,
  validateConnectionInput,
} from "../../../provider/graph/connection";
import type { ConfigSource } from "../../../provider/graph/connection";

function config(values: Record<string, string>): ConfigSource {
  return { get: (key) => values[key] };
}

const FULL_ENV = {
  AZURE_TENANT_ID: "env-tenant",
  AZURE_CLIENT_ID: "env-client",
  AZURE_CLIENT_SECRET: "env-secret-value",
  AZURE_AUTHORITY_HOST: "https://env-authority.example",
  GRAPH_PROVISIONING_ENDPOINT: "https://env-graph.example",
  GRAPH_PROVISIONING_CA_FILE: "/env/ca.pem",
  NODE_EXTRA_CA_CERTS: "/node/extra.pem",
};

describe("resolveConnection", () => {
  it("should apply the defaults when nothing is set", () => {
    expect(resolveConnection(undefined, undefined, {})).to.deep.equal({
      authorityHost: "https://login.microsoftonline.com",
      graphEndpoint: "https://graph.microsoft.com",
      apiVersion: "v1.0",
      requestTimeoutSeconds: 60,
      replicationTimeoutSeconds: 120,
    });
  });

  it("should take the environment when neither input nor config set a field", () => {
    expect(resolveConnection(undefined, undefined, FULL_ENV)).to.deep.equal({
      tenantId: "env-tenant",
      clientId: "env-client",
      clientSecret: "env-secret-value",
      authorityHost: "https://env-authority.example",
      graphEndpoint: "https://env-graph.example",
      apiVersion: "v1.0",
      caFile: "/env/ca.pem",
      requestTimeoutSeconds: 60,
      replicationTimeoutSeconds: 120,
    });
  });

  it("should fall back to NODE_EXTRA_CA_CERTS for caFile", () => {
    expect(
      resolveConnection(undefined, undefined, { NODE_EXTRA_CA_CERTS: "/node/extra.pem" }).caFile,
    ).to.equal("/node/extra.pem");
  });

  it("should prefer stack config over the environment, parsing numbers from strings", () => {
    const conn = resolveConnection(
      undefined,
      config({
        "graphProvisioning:tenantId": "cfg-tenant",
        "graphProvisioning:clientSecret": "cfg-secret-value",
        "graphProvisioning:graphEndpoint": "https://cfg-graph.example/",
        "graphProvisioning:apiVersion": "beta",
        "graphProvisioning:caFile": "/cfg/ca.pem",
        "graphProvisioning:requestTimeoutSeconds": "15",
        "graphProvisioning:replicationTimeoutSeconds": "2.5",
        // A key of another namespace is not read.
        "other:clientId": "nope",
      }),
      FULL_ENV,
    );
    expect(conn).to.deep.equal({
      tenantId: "cfg-tenant",
      clientId: "env-client",
      clientSecret: "cfg-secret-value",
      authorityHost: "https://env-authority.example",
      graphEndpoint: "https://cfg-graph.example",
      apiVersion: "beta",
      caFile: "/cfg/ca.pem",
      requestTimeoutSeconds: 15,
      replicationTimeoutSeconds: 2.5,
    });
  });

  it("should prefer the connection input over config and environment", () => {
    const conn = resolveConnection(
      {
        tenantId: "in-tenant",
        clientId: "in-client",
        clientSecret: "in-secret-value",
        requestTimeoutSeconds: 5,
      },
      config({ "graphProvisioning:tenantId": "cfg-tenant", "graphProvisioning:requestTimeoutSeconds": "15" }),
      FULL_ENV,
    );
    expect(conn.tenantId).to.equal("in-tenant");
    expect(conn.clientId).to.equal("in-client");
    expect(conn.clientSecret).to.equal("in-secret-value");
    expect(conn.requestTimeoutSeconds).to.equal(5);
    expect(conn.graphEndpoint).to.equal("https://env-graph.example");
  });

  it("should treat empty strings as unset", () => {
    const conn = resolveConnection(
      { tenantId: "", graphEndpoint: "  " },
      config({ "graphProvisioning:tenantId": "" }),
      { AZURE_TENANT_ID: "env-tenant" },
    );
    expect(conn.tenantId).to.equal("env-tenant");
    expect(conn.graphEndpoint).to.equal("https://graph.microsoft.com");
  });

  it("should reject a bad URL, API version or number, naming the field, its source and what is allowed", () => {
    expect(() => resolveConnection({ graphEndpoint: "graph.microsoft.com" }, undefined, {})).to.throw(
      /connection\.graphEndpoint must be an absolute http\(s\) URL/,
    );
    expect(() => resolveConnection({ authorityHost: "http://login.example" }, undefined, {})).to.throw(
      /connection\.authorityHost must use https/,
    );
    expect(() => resolveConnection({ apiVersion: "v2" as never }, undefined, {})).to.throw(
      /connection\.apiVersion must be one of "v1\.0", "beta", got "v2"/,
    );
    expect(() => resolveConnection({ requestTimeoutSeconds: 0 }, undefined, {})).to.throw(
      /connection\.requestTimeoutSeconds must be a positive number of seconds, got 0/,
    );
    expect(() =>
      resolveConnection(undefined, config({ "graphProvisioning:replicationTimeoutSeconds": "soon" }), {}),
    ).to.throw(
      /config graphProvisioning:replicationTimeoutSeconds must be a positive number of seconds, got "soon"/,
    );
    expect(() =>
      resolveConnection(undefined, undefined, { GRAPH_PROVISIONING_ENDPOINT: "ftp://x" }),
    ).to.throw(/environment variable GRAPH_PROVISIONING_ENDPOINT must use http or https/);
    expect(() => resolveConnection({ graphEndpoint: "https://g.example/?a=1" }, undefined, {})).to.throw(
      /must not contain a query/,
    );
  });

  it("should require tenantId and clientId with a client secret, naming where to set them", () => {
    expect(() => resolveConnection({ clientSecret: "a-secret-value" }, undefined, {})).to.throw(
      /tenantId is required when a client secret is given \(set connection\.tenantId, config graphProvisioning:tenantId or AZURE_TENANT_ID\); clientId is required/,
    );
  });

  it("should never echo the client secret in a validation error", () => {
    const err = (() => {
      try {
        resolveConnection({ clientSecret: 42 as never, tenantId: "t", clientId: "c" }, undefined, {});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).to.equal("Invalid connection: connection.clientSecret must be a string");
  });
});

describe("resolveConnection: the proxy setting", () => {
  it("should take connection.proxy over config over GRAPH_PROVISIONING_PROXY, and leave HTTPS_PROXY to the agent", () => {
    const env = { GRAPH_PROVISIONING_PROXY: "http://env-proxy:3128", HTTPS_PROXY: "http://corp:8080" };
    expect(resolveConnection(undefined, undefined, { HTTPS_PROXY: "http://corp:8080" }).proxy).to.equal(
      undefined,
    );
    expect(resolveConnection(undefined, undefined, env).proxy).to.equal("http://env-proxy:3128");
    const cfg = config({ "graphProvisioning:proxy": "direct" });
    expect(resolveConnection(undefined, cfg, env).proxy).to.equal("direct");
    expect(resolveConnection({ proxy: "https://input-proxy:443" }, cfg, env).proxy).to.equal(
      "https://input-proxy:443",
    );
  });

  it('should reject a proxy that is not "direct" or an http(s) address, without echoing it', () => {
    expect(validateConnectionInput({ proxy: "socks5://u:pw-secret@proxy:1080" })).to.deep.equal([
      { property: "connection.proxy", reason: 'must be "direct" or an http(s) URL, got protocol "socks5:"' },
    ]);
    const [bad] = validateConnectionInput({ proxy: "proxy-pw-secret" });
    expect(bad.property).to.equal("connection.proxy");
    expect(bad.reason).not.to.contain("pw-secret");
    expect(() =>
      resolveConnection(undefined, config({ "graphProvisioning:proxy": "http://proxy:1/path" }), {}),
    ).to.throw("config graphProvisioning:proxy must be a proxy's address only");
  });

  it("should keep a proxy password out of describeConnection and the connection keys", () => {
    const conn = resolveConnection({ proxy: "http://user:proxy-pass-123@proxy.example:3128" }, undefined, {});
    expect(describeConnection(conn).proxy).to.equal("http://user:%5BREDACTED%5D@proxy.example:3128");
    expect(connectionKey(conn)).not.to.contain("proxy-pass-123");
    expect(credentialKey(conn)).not.to.equal(credentialKey(resolveConnection(undefined, undefined, {})));
  });
});

describe("validateConnectionInput", () => {
  it("should list every bad field and unknown key, accept preview unknowns, and not throw", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(
      validateConnectionInput({
        graphEndpoint: unknown,
        apiVersion: "v3",
        tenantID: "x",
        requestTimeoutSeconds: -1,
      }),
    ).to.deep.equal([
      { property: "connection.apiVersion", reason: 'must be one of "v1.0", "beta", got "v3"' },
      {
        property: "connection.tenantID",
        reason:
          "is not a connection field; allowed: tenantId, clientId, clientSecret, authorityHost, graphEndpoint, apiVersion, caFile, requestTimeoutSeconds, replicationTimeoutSeconds, proxy",
      },
      {
        property: "connection.requestTimeoutSeconds",
        reason: "must be a positive number of seconds, got -1",
      },
    ]);
    expect(validateConnectionInput(unknown)).to.deep.equal([]);
    expect(validateConnectionInput(undefined)).to.deep.equal([]);
    expect(validateConnectionInput("str")[0].property).to.equal("connection");
  });
});

describe("connectionKey", () => {
  const base = resolveConnection(
    { tenantId: "t", clientId: "c", clientSecret: "the-client-secret" },
    undefined,
    {},
  );

  it("should be stable for equal connections and differ when the secret or endpoint differs", () => {
    const same = resolveConnection(
      { tenantId: "t", clientId: "c", clientSecret: "the-client-secret" },
      undefined,
      {},
    );
    expect(connectionKey(same)).to.equal(connectionKey(base));
    expect(connectionKey({ ...base, clientSecret: "other-secret" })).not.to.equal(connectionKey(base));
    expect(connectionKey({ ...base, graphEndpoint: "https://x.example" })).not.to.equal(connectionKey(base));
    expect(connectionKey({ ...base, apiVersion: "beta" })).not.to.equal(connectionKey(base));
  });

  it("should not contain the secret in plain text", () => {
    expect(connectionKey(base)).not.to.contain("the-client-secret");
    expect(credentialKey(base)).not.to.contain("the-client-secret");
    expect(JSON.stringify(describeConnection(base))).not.to.contain("the-client-secret");
  });

  it("should share the credential key across API versions and timeouts", () => {
    expect(credentialKey({ ...base, apiVersion: "beta", requestTimeoutSeconds: 5 })).to.equal(
      credentialKey(base),
    );
  });
});
