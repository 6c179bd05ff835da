/**
 * TLS trust and proxy routing for the token and Graph calls: Node's root certificates plus an
 * optional extra CA file (the emulator's `caFile`, a corporate proxy's CA), design.md §4, and an
 * HTTPS proxy (CONNECT tunnel) from the `proxy` setting or the environment.
 */
import { HttpsProxyAgent, type HttpsProxyAgentOptions } from "https-proxy-agent";
import { readFileSync } from "node:fs";
import type http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { registerSecret } from "./redaction";

// proxy-from-env ships no typings; this is its one function.
const { getProxyForUrl } = require("proxy-from-env") as { getProxyForUrl(url: string): string };

/** The `proxy` setting that sends the calls directly, whatever HTTPS_PROXY says. */
export const DIRECT_PROXY = "direct";

/**
 * The proxy URL for an https request to `url`, or undefined for a direct connection: the `proxy`
 * setting when given (`"direct"`: none), else the environment's — HTTPS_PROXY / https_proxy, then
 * ALL_PROXY / all_proxy, unless NO_PROXY / no_proxy lists the host (proxy-from-env's rules: `*`,
 * exact hosts, `.suffix` / `*.suffix`, optional `:port`). Plain http URLs (a local emulator) are
 * never proxied.
 */
export function proxyFor(url: string, proxy?: string): string | undefined {
  if (!url.startsWith("https:")) return undefined;
  const chosen =
    proxy !== undefined ? (proxy === DIRECT_PROXY ? undefined : proxy) : getProxyForUrl(url) || undefined;
  registerProxyPassword(chosen);
  return chosen;
}

// A proxy URL from HTTPS_PROXY may carry a password just as the `proxy` setting may; a failed CONNECT
// can echo the URL, so its password is redacted whichever source it came from.
function registerProxyPassword(proxyUrl: string | undefined): void {
  if (!proxyUrl || !URL.canParse(proxyUrl)) return;
  const { password } = new URL(proxyUrl);
  if (!password) return;
  registerSecret(password);
  registerSecret(decodeURIComponent(password));
}

/**
 * Reads the PEM file at `caFile`.
 *
 * @throws Error naming the field `caFile` and the path when the file cannot be read or holds no certificate.
 */
export function readCaFile(caFile: string): string {
  let pem: string;
  try {
    pem = readFileSync(caFile, "utf8");
  } catch (e) {
    throw new Error(`connection.caFile: cannot read CA file "${caFile}": ${(e as Error).message}`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error(`connection.caFile: "${caFile}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return pem;
}

const secureContexts = new Map<string, tls.SecureContext>();

/**
 * The TLS secure context trusting Node's root certificates plus `caFile`, built once per process and
 * CA content. Passing the certificates as an agent's `ca` option instead costs a join of every root
 * certificate (~200 KB) per request (the agent's connection-pool key) and a new context (~25 ms of
 * certificate parsing) per socket; on a fleet that was most of the client's CPU time
 * (bench/results.md). Keyed by the file's content, so a regenerated CA at the same path is honoured.
 *
 * @throws Error naming `caFile` when the file cannot be read or holds no certificate.
 */
export function trustedSecureContext(caFile: string): tls.SecureContext {
  const pem = readCaFile(caFile);
  let context = secureContexts.get(pem);
  if (!context) {
    context = tls.createSecureContext({ ca: [...tls.rootCertificates, pem] });
    secureContexts.set(pem, context);
  }
  return context;
}

/** Options of {@link createHttpsAgent}. */
export interface HttpsAgentOptions {
  /** Extra CA file (PEM) trusted in addition to Node's root certificates. */
  caFile?: string;
  /** Reuse connections. Defaults to true. */
  keepAlive?: boolean;
  /** Most sockets per origin. Defaults to 64, enough for a fleet without opening hundreds of TLS sessions. */
  maxSockets?: number;
  /** http(s) URL of a proxy to tunnel through (CONNECT), e.g. from {@link proxyFor}. Default: direct. */
  proxy?: string;
}

/**
 * https-proxy-agent applies its options to the connection to the proxy only; this subclass also gives
 * the TLS session with the target, inside the tunnel, the shared secure context (the `caFile` trust).
 */
class TrustingProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    options: HttpsProxyAgentOptions<string>,
    private readonly secureContext: tls.SecureContext | undefined,
  ) {
    super(proxy, options);
  }

  override connect(
    req: http.ClientRequest,
    opts: Parameters<HttpsProxyAgent<string>["connect"]>[1],
  ): ReturnType<HttpsProxyAgent<string>["connect"]> {
    const inTunnel =
      this.secureContext && opts.secureEndpoint ? { ...opts, secureContext: this.secureContext } : opts;
    return super.connect(req, inTunnel);
  }
}

/**
 * A keep-alive agent for https requests trusting Node's root certificates plus `caFile` (when given)
 * through the shared {@link trustedSecureContext}; used for both the token and the Graph calls.
 * With `proxy`, an https-proxy-agent that tunnels through it (CONNECT), the same trust applying to
 * the TLS session with the target inside the tunnel and to an https proxy. Without `caFile` the agent
 * uses Node's default trust (which includes NODE_EXTRA_CA_CERTS read at start).
 */
export function createHttpsAgent(options: HttpsAgentOptions = {}): http.Agent {
  const secureContext = options.caFile ? trustedSecureContext(options.caFile) : undefined;
  const agentOptions = {
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.maxSockets ?? 64,
    ...(secureContext ? { secureContext } : {}),
  };
  return options.proxy
    ? new TrustingProxyAgent(options.proxy, agentOptions, secureContext)
    : new https.Agent(agentOptions);
}
