/**
 * The Graph emulator as a separate process for benchmarks: the client under test and the emulator
 * then run on different cores (2-core machines), and the emulator's own work never shares the
 * client's event loop. Driven through its control API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EmulatorInfo } from "../emulator/controlHandler";
import { connectEmulator, type EmulatorControlClient } from "../emulator/emulatorControlClient";
import type { RequestLogEntry } from "../emulator/server";

/** A running emulator process. */
export interface BenchEmulator {
  /** What the emulator printed on start (endpoints, tenant, client id and secret, caFile). */
  readonly info: EmulatorInfo;
  /** Its control API (reset, configure, faults, request log, state). */
  readonly control: EmulatorControlClient;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}

/** Repository root (bench/..). */
export const REPO_ROOT = path.resolve(__dirname, "..");

/**
 * Starts `dist/emulator/main.js` (build first) on a free port with `latencyMs` added to every
 * request; resolves once it printed its JSON line.
 */
export async function startBenchEmulator(latencyMs = 0): Promise<BenchEmulator> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-emulator-"));
  const main = path.join(REPO_ROOT, "dist", "emulator", "main.js");
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  const child: ChildProcess = spawn(
    process.execPath,
    [main, "--port", "0", "--data-dir", dataDir, "--latency-ms", String(latencyMs)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const info = await new Promise<EmulatorInfo>((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`emulator did not start within 30 s: ${err}`)), 30_000);
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (c: string) => (err += c));
    child.stdout!.on("data", (c: string) => {
      out += c;
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as EmulatorInfo);
        } catch (e) {
          reject(e);
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${err}`));
    });
  });
  const control = connectEmulator(`${info.graphEndpoint}/_emulator`, info.caFile, info.clientSecret);
  return {
    info,
    control,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        });
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Graph-side requests of a request log (token requests and control calls excluded). */
export function graphRequests(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.kind === "graph");
}

/** Token requests (client-credentials grants) of a request log. */
export function tokenRequests(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.kind === "token" && e.method === "POST");
}

/** Stack config keys (`graphProvisioning:*`) that point the providers at `info`. */
export function emulatorConfig(info: EmulatorInfo): Record<string, string> {
  return {
    "graphProvisioning:tenantId": info.tenantId,
    "graphProvisioning:clientId": info.clientId,
    "graphProvisioning:clientSecret": info.clientSecret,
    "graphProvisioning:graphEndpoint": info.graphEndpoint,
    "graphProvisioning:authorityHost": info.authorityHost,
    "graphProvisioning:caFile": info.caFile,
  };
}
