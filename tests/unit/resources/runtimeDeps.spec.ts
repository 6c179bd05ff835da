/**
 * The runtime entry's real dependencies: a resource's `connection` input is resolved against the
 * stack config once per distinct input, until configure() stores another config.
 */
import { expect } from "chai";
import { configure, realDeps } from "../../../provider/runtime";
import type { ConfigSource } from "../../../provider/graph/connection";

/** Stack config holding only `graphProvisioning:replicationTimeoutSeconds`, counting every read. */
function countingConfig(replicationTimeoutSeconds: string): ConfigSource & { reads: number } {
  const source = {
    reads: 0,
    get(key: string): string | undefined {
      source.reads++;
      return key === "graphProvisioning:replicationTimeoutSeconds" ? replicationTimeoutSeconds : undefined;
    },
  };
  return source;
}

describe("realDeps", () => {
  const connection = {
    tenantId: "contoso.onmicrosoft.com",
    clientId: "client-1",
    apiVersion: "beta" as const,
  };

  afterEach(() => configure({ get: () => undefined }));

  it("should resolve an equal connection input once, for every provider of the process", () => {
    const config = countingConfig("30");
    configure(config);
    expect(realDeps().replicationTimeoutMs(connection)).to.equal(30_000);
    const readsOfFirstResolve = config.reads;
    expect(readsOfFirstResolve).to.be.greaterThan(0);

    // A new object with the same fields (as the host deserializes each call's inputs), through other deps.
    expect(realDeps().replicationTimeoutMs({ ...connection })).to.equal(30_000);
    expect(realDeps().clientFor({ ...connection })).to.equal(realDeps().clientFor(connection));
    expect(config.reads).to.equal(readsOfFirstResolve);
  });

  it("should resolve again after configure() stores new stack config", () => {
    configure(countingConfig("30"));
    const deps = realDeps();
    expect(deps.replicationTimeoutMs(connection)).to.equal(30_000);
    const next = countingConfig("45");
    configure(next);
    expect(deps.replicationTimeoutMs(connection)).to.equal(45_000);
    expect(next.reads).to.be.greaterThan(0);
  });

  it("should resolve a connection that differs in any field on its own", () => {
    configure(countingConfig("30"));
    const deps = realDeps();
    expect(deps.replicationTimeoutMs(connection)).to.equal(30_000);
    expect(deps.replicationTimeoutMs({ ...connection, replicationTimeoutSeconds: 5 })).to.equal(5_000);
    expect(deps.replicationTimeoutMs(connection)).to.equal(30_000);
  });

  it("should treat a missing and a null connection alike, resolving from stack config once", () => {
    const config = countingConfig("12");
    configure(config);
    const deps = realDeps();
    expect(deps.replicationTimeoutMs(undefined)).to.equal(12_000);
    const reads = config.reads;
    expect(deps.replicationTimeoutMs(null)).to.equal(12_000);
    expect(config.reads).to.equal(reads);
  });

  it("should reject an invalid connection on every call, naming the field", () => {
    configure(countingConfig("30"));
    const deps = realDeps();
    const bad = { graphEndpoint: "ftp://graph.example" };
    for (let call = 0; call < 2; call++) {
      expect(() => deps.replicationTimeoutMs(bad)).to.throw(/connection\.graphEndpoint/);
    }
  });
});
