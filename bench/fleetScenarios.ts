/**
 * Fleet scenarios run against one emulator process: the provider/axios/floor comparison, a fleet
 * under random 429s, and a fleet against the emulator's Graph-limits write bucket.
 */
import type { RequestLogEntry, TenantSnapshot } from "../emulator/server";
import { type BenchEmulator, graphRequests, tokenRequests } from "./benchEmulator";
import { appName } from "./fleetApps";
import type { FleetJob, FleetOutcome } from "./fleetWorker";
import { runFleetWorker } from "./runFleet";

/** One fleet run and what the emulator saw. */
export interface FleetRun {
  mode: FleetJob["mode"];
  count: number;
  concurrency: number;
  latencyMs: number;
  /** Wall time of the timed phase (the N apps), ms. */
  wallMs: number;
  /** Wall time of the untimed warm-up (token + one GET), ms. */
  warmupMs: number;
  created: number;
  failureCount: number;
  failures: string[];
  graphRequests: number;
  tokenRequests: number;
  /** Requests answered 429. */
  throttled: number;
}

function summarize(
  job: FleetJob,
  latencyMs: number,
  outcome: FleetOutcome,
  log: RequestLogEntry[],
): FleetRun {
  const graph = graphRequests(log);
  return {
    mode: job.mode,
    count: job.count,
    concurrency: job.concurrency,
    latencyMs,
    wallMs: Math.round(outcome.wallMs),
    warmupMs: Math.round(outcome.warmupMs),
    created: outcome.created,
    failureCount: outcome.failureCount,
    failures: outcome.failures,
    graphRequests: graph.length,
    tokenRequests: tokenRequests(log).length,
    throttled: graph.filter((e) => e.status === 429).length,
  };
}

/** Runs one fleet on a reset emulator (no objects, no faults, empty request log). */
export async function fleetRun(
  emulator: BenchEmulator,
  latencyMs: number,
  job: Omit<FleetJob, "info">,
  prepare?: () => Promise<void>,
): Promise<{ run: FleetRun; state: TenantSnapshot }> {
  await emulator.control.reset();
  await emulator.control.configure({ latencyMs, graphLimits: false });
  await prepare?.();
  const full: FleetJob = { ...job, info: emulator.info };
  const outcome = await runFleetWorker(full);
  const log = await emulator.control.requestLog();
  const run = summarize(full, latencyMs, outcome, log);
  await emulator.control.clearFaults();
  await emulator.control.configure({ graphLimits: false });
  return { run, state: await emulator.control.state() };
}

/** What the tenant holds after a fleet: live apps/jobs and any duplicate. */
export interface FleetTenantCheck {
  expected: number;
  liveApplications: number;
  distinctNames: number;
  duplicateNames: string[];
  missingNames: number;
  jobs: number;
  servicePrincipalsWithSeveralJobs: number;
  ok: boolean;
}

/** Checks that the tenant holds exactly one live application (and one job) per expected app name. */
export function checkFleetTenant(state: TenantSnapshot, prefix: string, count: number): FleetTenantCheck {
  const live = state.applications.filter(
    (a) => a.deletedDateTime === null || a.deletedDateTime === undefined,
  );
  const names = live.map((a) => String(a.displayName));
  const byName = new Map<string, number>();
  for (const n of names) byName.set(n, (byName.get(n) ?? 0) + 1);
  const duplicateNames = [...byName.entries()].filter(([, c]) => c > 1).map(([n]) => n);
  let missing = 0;
  for (let i = 0; i < count; i++) if (!byName.has(appName(prefix, i))) missing++;
  const jobsBySp = new Map<string, number>();
  for (const j of state.jobs)
    jobsBySp.set(j.servicePrincipalId, (jobsBySp.get(j.servicePrincipalId) ?? 0) + 1);
  const several = [...jobsBySp.values()].filter((c) => c > 1).length;
  return {
    expected: count,
    liveApplications: live.length,
    distinctNames: byName.size,
    duplicateNames: duplicateNames.slice(0, 10),
    missingNames: missing,
    jobs: state.jobs.length,
    servicePrincipalsWithSeveralJobs: several,
    ok:
      live.length === count &&
      duplicateNames.length === 0 &&
      missing === 0 &&
      state.jobs.length === count &&
      several === 0,
  };
}

/** Injects 429s (with `retryAfterMs`) on a share `probability` of every POST, PUT, PATCH and DELETE to Graph. */
export async function injectRandomWriteThrottling(
  emulator: BenchEmulator,
  probability: number,
  retryAfterMs: number,
): Promise<void> {
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    await emulator.control.injectFault({
      method,
      pathPattern: "^/(v1\\.0|beta)/",
      kind: "status",
      status: 429,
      retryAfterMs,
      count: -1,
      probability,
    });
  }
}

/** Several runs of one fleet configuration, summarized by the median and the spread. */
export interface FleetSeries {
  runs: FleetRun[];
  /** Median wall time of the timed phase, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Median wall time of the untimed warm-up, ms. */
  medianWarmupMs: number;
  /** Most token requests any run made. */
  tokenRequests: number;
}

/** The median of `values` (mean of the middle two for an even count). */
export function median(values: number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Summarizes repeated runs of one configuration. */
export function fleetSeries(runs: FleetRun[]): FleetSeries {
  const walls = runs.map((r) => r.wallMs);
  return {
    runs,
    medianMs: median(walls),
    minMs: Math.min(...walls),
    maxMs: Math.max(...walls),
    medianWarmupMs: median(runs.map((r) => r.warmupMs)),
    tokenRequests: Math.max(...runs.map((r) => r.tokenRequests)),
  };
}
