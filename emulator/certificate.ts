/**
 * The emulator's TLS certificate: generated once per data directory and reused, so a fixed `dataDir`
 * gives the same certificate (and `caFile`) on every start, and startup stays fast.
 */
import { randomUUID, X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { generate } from "selfsigned";

/** PEM certificate + key, and the file clients trust (`caFile`: the self-signed certificate itself). */
export interface EmulatorCertificate {
  cert: string;
  key: string;
  caFile: string;
}

const BUNDLE = "tls.json";
const CA_FILE = "ca.pem";
/**
 * Subject common name; each certificate adds a random suffix. OpenSSL finds a trust anchor by subject name,
 * so two emulators' certificates with one subject in one CA bundle shadow each other (only the first
 * verifies). Certificates of earlier versions, with the bare name, are replaced.
 */
const COMMON_NAME = "graph-provisioning-emulator";
/** Renew when fewer than this many ms of validity remain. */
const RENEW_MARGIN_MS = 7 * 24 * 3600 * 1000;

function usable(bundle: { cert: string; key: string }, host: string): boolean {
  try {
    const x509 = new X509Certificate(bundle.cert);
    if (Date.parse(x509.validTo) - Date.now() < RENEW_MARGIN_MS) return false;
    if (x509.subject === `CN=${COMMON_NAME}`) return false;
    return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":")
      ? x509.checkIP(host) !== undefined
      : x509.checkHost(host) !== undefined;
  } catch {
    return false;
  }
}

function readBundle(file: string): { cert: string; key: string } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { cert?: unknown; key?: unknown };
    return typeof parsed.cert === "string" && typeof parsed.key === "string"
      ? { cert: parsed.cert, key: parsed.key }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns the certificate stored in `dataDir`, generating it (EC P-256, valid 5 years, SANs localhost,
 * 127.0.0.1, ::1 and `host`) when absent, expiring or not valid for `host`. Safe when several processes
 * start on the same directory at once: the first bundle written wins and every process serves it.
 */
export async function ensureCertificate(dataDir: string, host: string): Promise<EmulatorCertificate> {
  fs.mkdirSync(dataDir, { recursive: true });
  const bundleFile = path.join(dataDir, BUNDLE);
  const caFile = path.join(dataDir, CA_FILE);
  let bundle = readBundle(bundleFile);
  if (!bundle || !usable(bundle, host)) {
    const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
      { type: 2, value: "localhost" },
      { type: 7, ip: "127.0.0.1" },
      { type: 7, ip: "::1" },
    ];
    if (!["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"].includes(host)) {
      altNames.push(
        /^[\d.]+$/.test(host) || host.includes(":") ? { type: 7, ip: host } : { type: 2, value: host },
      );
    }
    const pems = await generate([{ name: "commonName", value: `${COMMON_NAME} ${randomUUID()}` }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notAfterDate: new Date(Date.now() + 5 * 365 * 24 * 3600 * 1000),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames },
      ],
    });
    const fresh = { cert: pems.cert, key: pems.private };
    const temp = path.join(dataDir, `${BUNDLE}.${process.pid}.${randomUUID()}.tmp`);
    fs.writeFileSync(temp, JSON.stringify(fresh), { mode: 0o600 });
    if (bundle) {
      fs.renameSync(temp, bundleFile);
    } else {
      try {
        // link() fails if the file exists: of processes racing to create it, exactly one wins.
        fs.linkSync(temp, bundleFile);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      } finally {
        fs.rmSync(temp, { force: true });
      }
    }
    bundle = readBundle(bundleFile) ?? fresh;
  }
  // A PEM file ends with a newline, so that `cat ca.pem other.pem > bundle.pem` keeps both certificates intact.
  const caPem = bundle.cert.endsWith("\n") ? bundle.cert : `${bundle.cert}\n`;
  if (!fs.existsSync(caFile) || fs.readFileSync(caFile, "utf8") !== caPem) {
    const temp = path.join(dataDir, `${CA_FILE}.${process.pid}.${randomUUID()}.tmp`);
    fs.writeFileSync(temp, caPem);
    fs.renameSync(temp, caFile);
  }
  return { cert: bundle.cert, key: bundle.key, caFile };
}
