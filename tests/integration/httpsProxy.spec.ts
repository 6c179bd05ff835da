/**
 * HTTPS proxies (issue 12): the token and Graph calls go through a real CONNECT proxy on loopback when
 * HTTPS_PROXY (or the `proxy` setting) says so, directly for hosts in NO_PROXY, and the emulator's
 * caFile is trusted inside the tunnel. The emulator answers tokens and Graph on one port; the
 * authority is addressed as 127.0.0.1 and Graph as localhost, so the proxy's record of tunnelled
 * hosts tells the two kinds of call apart.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { resolveConnection } from "../../provider/graph/connection";
import type { ConnectionInput } from "../../provider/graph/connection";
import { GraphClient, resetGraphCaches } from "../../provider/graph/graphClient";
import { startConnectProxy, type ConnectProxy } from "../helpers/connectProxy";
import { emulatorConnection } from "../helpers/emulator";
import { PROXY_VARIABLES } from "../helpers/proxyFreeEnvironment";

const CLI = path.resolve(__dirname, "../../dist/cli/main.js");

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe("HTTPS proxy for the token and Graph calls @emulator", function () {
  let emulator: Emulator;
  let proxy: ConnectProxy;
  let tokenHost: string;
  let graphHost: string;
  let connection: ConnectionInput;

  /** Lists gallery templates with a fresh client and credential: one token call, one Graph call. */
  async function listTemplates(overrides: ConnectionInput = {}): Promise<number> {
    resetGraphCaches();
    const client = new GraphClient({
      connection: resolveConnection({ ...connection, ...overrides }, undefined, {}),
    });
    return (await client.listApplicationTemplates()).length;
  }

  function setEnv(vars: Record<string, string>): void {
    for (const name of PROXY_VARIABLES) delete process.env[name];
    Object.assign(process.env, vars);
  }

  before(async function () {
    emulator = await startEmulator({ port: 0 });
    const port = new URL(emulator.graphEndpoint).port;
    tokenHost = `127.0.0.1:${port}`;
    graphHost = `localhost:${port}`;
    connection = emulatorConnection(emulator, {
      authorityHost: `https://${tokenHost}`,
      graphEndpoint: `https://${graphHost}`,
    });
  });

  beforeEach(async () => {
    proxy = await startConnectProxy();
  });

  afterEach(async () => {
    setEnv({});
    resetGraphCaches();
    await proxy.close();
  });

  after(async () => {
    await emulator?.stop();
  });

  it("should tunnel the token and the Graph calls through HTTPS_PROXY, trusting caFile inside the tunnel", async () => {
    setEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "example.invalid" });
    expect(await listTemplates()).to.be.greaterThan(0);
    expect(new Set(proxy.tunnels)).to.deep.equal(new Set([tokenHost, graphHost]));
  });

  it("should honour the lowercase https_proxy and no_proxy too", async () => {
    setEnv({ https_proxy: proxy.url, no_proxy: "localhost" });
    expect(await listTemplates()).to.be.greaterThan(0);
    expect(new Set(proxy.tunnels)).to.deep.equal(new Set([tokenHost]));
  });

  it("should connect directly to the hosts NO_PROXY lists", async () => {
    setEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "localhost" });
    expect(await listTemplates()).to.be.greaterThan(0);
    expect(new Set(proxy.tunnels), "only the token calls (127.0.0.1) are proxied").to.deep.equal(
      new Set([tokenHost]),
    );

    const before = proxy.tunnels.length;
    setEnv({ HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1, localhost" });
    expect(await listTemplates()).to.be.greaterThan(0);
    expect(proxy.tunnels.length, "no new tunnel").to.equal(before);
  });

  it('should prefer the connection\'s proxy setting to the environment, and go direct with "direct"', async () => {
    // A proxy from the environment that refuses connections: using it would fail the call.
    setEnv({ HTTPS_PROXY: "http://127.0.0.1:9" });
    expect(await listTemplates({ proxy: proxy.url })).to.be.greaterThan(0);
    expect(new Set(proxy.tunnels)).to.deep.equal(new Set([tokenHost, graphHost]));

    const before = proxy.tunnels.length;
    setEnv({ HTTPS_PROXY: proxy.url });
    expect(await listTemplates({ proxy: "direct" })).to.be.greaterThan(0);
    expect(proxy.tunnels.length, "no new tunnel").to.equal(before);
  });

  it("should make the CLI follow HTTPS_PROXY, and --proxy direct bypass it", async function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            AZURE_TENANT_ID: emulator.tenantId,
            AZURE_CLIENT_ID: emulator.clientId,
            AZURE_CLIENT_SECRET: emulator.clientSecret,
            AZURE_AUTHORITY_HOST: `https://${tokenHost}`,
            GRAPH_PROVISIONING_ENDPOINT: `https://${graphHost}`,
            GRAPH_PROVISIONING_CA_FILE: emulator.caFile,
            HTTPS_PROXY: proxy.url,
            NO_PROXY: "example.invalid",
          },
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stderr }));
      });
    const proxied = await cli(["templates", "--json", "aws"]);
    expect(proxied.code, proxied.stderr).to.equal(0);
    expect(new Set(proxy.tunnels)).to.deep.equal(new Set([tokenHost, graphHost]));

    const before = proxy.tunnels.length;
    const direct = await cli(["templates", "--json", "--proxy", "direct", "aws"]);
    expect(direct.code, direct.stderr).to.equal(0);
    expect(proxy.tunnels.length, "no new tunnel").to.equal(before);
  });
});
