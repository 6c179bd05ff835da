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
 * A keep-alive `https.Agent` trusting Node's root certificates plus `caFile` (when given).
 * Without `caFile` the agent uses Node's default trust (which includes NODE_EXTRA_CA_CERTS read at start).
 */
export function createHttpsAgent(options: HttpsAgentOptions = {}): https.Agent {
  return new https.Agent({
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.maxSockets ?? 64,
    ...(options.caFile ? { ca: [...tls.rootCertificates, readCaFile(options.caFile)] } : {}),
  });
}
