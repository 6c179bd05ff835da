#!/usr/bin/env node
/**
 * `graph-provisioning-emulator`: runs the Graph emulator until SIGINT/SIGTERM. Prints exactly one JSON line
 * on stdout when ready: {graphEndpoint, authorityHost, tenantId, clientId, clientSecret, caFile}.
 * The data directory defaults to `./.graph-emulator`, so the same flags give the same certificate.
 */
import { Command, InvalidArgumentError } from "commander";
import { parseTenantFlag } from "./emulatorOptions";
import { startEmulator, type TenantCredentials } from "./index";

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

/** Collects repeated `--tenant` values as given; they are checked after parsing (see below). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("graph-provisioning-emulator")
    .description("Local Microsoft Graph + Entra token endpoint emulator for app provisioning (HTTPS).")
    .option("--port <n>", "TCP port (0 = any free port)", integer, 0)
    .option("--host <host>", "interface to listen on", "127.0.0.1")
    .option("--state <file>", "JSON state file shared across runs and processes (default: in memory)")
    .option("--data-dir <dir>", "directory for the certificate, caFile and token key", ".graph-emulator")
    .option("--tenant-id <guid>", "default tenant id")
    .option("--client-id <guid>", "default client id")
    .option("--client-secret <secret>", "default client secret")
    .option(
      "--tenant <id:client:secret>",
      "another tenant and the client allowed to sign in to it (repeatable)",
      collect,
      [] as string[],
    )
    .option("--replication-delay-ms <ms>", "404 window after creation", integer, 0)
    .option("--cycle-time-ms <ms>", "simulated synchronization cycle time", integer, 200)
    .option("--latency-ms <ms>", "latency added to every request", integer, 0)
    .option(
      "--graph-limits",
      "enable Graph-limits mode (3000-write bucket refilled at 20/s; logs 5 per 10 s)",
    )
    .option(
      "--control-requires-secret",
      "control API: require the client secret from loopback callers too (behind a local reverse proxy)",
    )
    .option("--verbose", "log each request on stderr")
    .parse(argv);
  const o = program.opts<{
    port: number;
    host: string;
    state?: string;
    dataDir: string;
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    tenant: string[];
    replicationDelayMs: number;
    cycleTimeMs: number;
    latencyMs: number;
    graphLimits?: boolean;
    controlRequiresSecret?: boolean;
    verbose?: boolean;
  }>();
  // Checked here rather than by commander, whose error message would repeat the value and so the secret.
  const tenants = o.tenant.flatMap((value): TenantCredentials[] => {
    try {
      return [parseTenantFlag(value)];
    } catch (e) {
      return program.error(`error: option '--tenant <id:client:secret>': ${(e as Error).message}`);
    }
  });
  const handle = await startEmulator({
    port: o.port,
    host: o.host,
    stateFile: o.state,
    dataDir: o.dataDir,
    tenantId: o.tenantId,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    tenants,
    replicationDelayMs: o.replicationDelayMs,
    cycleTimeMs: o.cycleTimeMs,
    latencyMs: o.latencyMs,
    graphLimits: o.graphLimits === true,
    quiet: !o.verbose,
    controlTrustsLoopback: o.controlRequiresSecret !== true,
  });
  process.stdout.write(`${JSON.stringify(handle.info())}\n`);
  const stop = () => {
    void handle.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main(process.argv).catch((e: unknown) => {
  process.stderr.write(`graph-provisioning-emulator: ${(e as Error).message}\n`);
  process.exit(1);
});
