/**
 * One fleet run in a fresh process (a fresh provider host, as each `pulumi up` has): provisions N
 * apps with a fixed concurrency through the runtime providers, or a plain-axios script, and prints
 * one JSON line `{wallMs, created, failures}`. Started by run.ts as
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
  /** Wall time from the first call (token included) to the last app done, in ms. */
  wallMs: number;
  created: number;
  /** First few failure messages. */
  failures: string[];
  failureCount: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.env.BENCH_FLEET_JOB ?? "") as FleetJob;
  let create: (name: string) => Promise<void>;
  let setup: () => Promise<void> = async () => undefined;
  if (job.mode === "providers") {
    const runtime = loadRuntime();
    configureRuntime(runtime, job.info);
    create = async (name) => {
      await createAppThroughProviders(runtime, name);
    };
  } else {
    const script = new PlainGraphScript(job.info);
    setup = () => script.signIn();
    create = (name) => script.createApp(name, job.mode === "writes");
  }
  const started = performance.now();
  await setup();
  const failures = await runPool(job.count, job.concurrency, (i) => create(appName(job.prefix, i)));
  const wallMs = performance.now() - started;
  const outcome: FleetOutcome = {
    wallMs,
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
