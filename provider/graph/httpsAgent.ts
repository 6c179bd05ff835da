/**
 * TLS trust for the token and Graph calls: Node's root certificates plus an optional extra CA file
 * (the emulator's `caFile`, a corporate proxy's CA), design.md §4.
 */
import { readFileSync } from "node:fs";
import https from "node:https";
import tls from "node:tls";

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
}

/**
 * A keep-alive `https.Agent` trusting Node's root certificates plus `caFile` (when given) through
 * the shared {@link trustedSecureContext}; used for both the token and the Graph calls.
 * Without `caFile` the agent uses Node's default trust (which includes NODE_EXTRA_CA_CERTS read at start).
 */
export function createHttpsAgent(options: HttpsAgentOptions = {}): https.Agent {
  return new https.Agent({
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.maxSockets ?? 64,
    ...(options.caFile ? { secureContext: trustedSecureContext(options.caFile) } : {}),
  });
}
