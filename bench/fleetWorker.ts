/**
 * One fleet run in a fresh process (a fresh provider host, as each `pulumi up` has): provisions N
 * apps with a fixed concurrency through the runtime providers, or a plain-axios script, and prints
 * one JSON line `{wallMs, warmupMs, created, failures}`. Both sides first make the same untimed
 * warm-up (the run's token and one GET of the AWS template through the client the fleet then uses),
 * so one-time costs — module loading, TLS contexts, the token (MSAL's metadata request + grant vs
 * the script's one POST) — are reported as `warmupMs` and kept out of the overhead ratio. Started by run.ts as
 * `node -r ts-node/register/transpile-only bench/fleetWorker.ts` with the FleetJob JSON in
 * the environment variable BENCH_FLEET_JOB.
 */
import type { EmulatorInfo } from "../emulator/controlHandler";
import {
  appName,
  configureRuntime,
  createAppThroughProviders,
  loadRuntime,
  PlainGraphScript,
  warmUpProviders,
} from "./fleetApps";
import { runPool } from "./workerPool";

/** What the worker is asked to do. */
export interface FleetJob {
  /** providers: the package's runtime providers; axios: the same 8 calls; writes: only the 5 writes. */
  mode: "providers" | "axios" | "writes";
  info: EmulatorInfo;
  count: number;
  concurrency: number;
  /** Display-name prefix of this run's apps. */
  prefix: string;
}

/** What the worker prints. */
export interface FleetOutcome {
  /** Wall time of the N apps, from after the warm-up to the last app done, in ms. */
  wallMs: number;
  /** Wall time of the warm-up (token + one GET through the same client), in ms. */
  warmupMs: number;
  created: number;
  /** First few failure messages. */
  failures: string[];
  failureCount: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env.BENCH_FLEET_JOB ?? "") as FleetJob;
  let create: (name: string) => Promise<void>;
  let warmUp: () => Promise<void>;
  if (job.mode === "providers") {
    const runtime = loadRuntime();
    configureRuntime(runtime, job.info);
    warmUp = () => warmUpProviders(job.info);
    create = async (name) => {
      await createAppThroughProviders(runtime, name);
    };
  } else {
    const script = new PlainGraphScript(job.info);
    warmUp = () => script.warmUp();
    create = (name) => script.createApp(name, job.mode === "writes");
  }
  const warmupStarted = performance.now();
  await warmUp();
  const started = performance.now();
  const warmupMs = started - warmupStarted;
  const failures = await runPool(job.count, job.concurrency, (i) => create(appName(job.prefix, i)));
  const wallMs = performance.now() - started;
  const outcome: FleetOutcome = {
    wallMs,
    warmupMs,
    created: job.count - failures.length,
    failures: failures.slice(0, 5).map((f) => (f.error instanceof Error ? f.error.message : String(f.error))),
    failureCount: failures.length,
  };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`fleetWorker: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
