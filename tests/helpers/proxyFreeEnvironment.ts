/**
 * Loaded by .mocharc.json before any test: removes the machine's proxy settings from this process's
 * environment (and so from every host and CLI process the tests start, which inherit it). Every test
 * talks to an emulator on loopback, and the package honours HTTPS_PROXY / NO_PROXY like other tools,
 * so a developer's corporate HTTPS_PROXY would otherwise send those calls to the proxy. The proxy
 * tests (tests/integration/httpsProxy.spec.ts) set these variables themselves.
 */
export const PROXY_VARIABLES = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "ALL_PROXY",
  "all_proxy",
  "NO_PROXY",
  "no_proxy",
  "GRAPH_PROVISIONING_PROXY",
] as const;

for (const name of PROXY_VARIABLES) delete process.env[name];
