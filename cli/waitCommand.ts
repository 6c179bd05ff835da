/**
 * `graph-provisioning wait <spId> <jobId> --until started|firstCycle`: polls a job until it is started
 * or its first run ended, showing progress on stderr; a quarantine ends the wait with a report.
 */
import { getProvisioningJobStatusFrom } from "../provider/monitoring/jobStatusSummary";
import type {
  ProvisioningExecutionSummary,
  ProvisioningJobStatus,
} from "../provider/monitoring/jobStatusSummary";
import type { CliContext, CommonFlags } from "./cliContext";
import { CommandFailure, UsageError } from "./cliErrors";
import { formatFields } from "./formatTable";
import { parseSecondsArgument, parseTimeArgument } from "./parseTimeArgument";
import { checkIdArguments, formatJobStatus } from "./statusCommand";

/** What `wait` waits for: `started` (schedule Active, status past NotConfigured) or `firstCycle` (a run ended). */
export const WAIT_TARGETS = ["started", "firstCycle"] as const;
export type WaitTarget = (typeof WAIT_TARGETS)[number];

/** Flags of `wait`, as commander hands them over (strings). */
export interface WaitFlags extends CommonFlags {
  until?: string;
  /** Seconds to wait at most. Defaults to 600. */
  timeout?: string;
  /** Seconds between polls. Defaults to 10. */
  interval?: string;
  /**
   * For `firstCycle`: only a run that ended at or after this time counts (ISO 8601, or a duration ago
   * such as `10m`). Defaults to the command's start: a run newer than the one the first poll shows.
   */
  since?: string;
}

/** Default `--timeout`, seconds (the JobStart resource's default too). */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;
/** Default `--interval`, seconds. */
export const DEFAULT_WAIT_INTERVAL_SECONDS = 10;

/** How a wait ended: the `--json` output of `wait`. */
export interface WaitResult {
  /**
   * `reached`: the target state was reached; `failed`: the first run ended in state Failed;
   * `quarantined`: the job is in quarantine; `timedOut`: `--timeout` passed first; `interrupted`: Ctrl-C.
   */
  outcome: "reached" | "failed" | "quarantined" | "timedOut" | "interrupted";
  until: WaitTarget;
  /** Seconds from the first poll to the last. */
  elapsedSeconds: number;
  /** The job's status at the last poll. */
  status: ProvisioningJobStatus;
}

/**
 * Where a job stands with respect to `target`: a final outcome, or undefined to keep waiting.
 * A quarantine ends every wait, since Graph only retries a quarantined job at long intervals. For
 * `firstCycle`, only a last run that `counts` (by default any) is a first cycle.
 */
export function waitOutcome(
  status: ProvisioningJobStatus,
  target: WaitTarget,
  counts: (run: ProvisioningExecutionSummary) => boolean = () => true,
): WaitResult["outcome"] | undefined {
  if (status.quarantine || status.statusCode === "Quarantine") return "quarantined";
  if (target === "started") {
    return status.scheduleState === "Active" && status.statusCode !== "NotConfigured" ? "reached" : undefined;
  }
  if (!status.lastExecution || !counts(status.lastExecution)) return undefined;
  return status.lastExecution.state === "Failed" ? "failed" : "reached";
}

/**
 * Which run counts as the first cycle: with `since` (epoch ms), one that ended at or after it; else one
 * that ended after the run `firstPoll` showed (Graph reports only the latest run, and comparing two of
 * Graph's own instants needs no clock agreement). Graph does not record when a job was started or
 * restarted, so without `--since` the command cannot know a start that came before it.
 */
export function firstCycleRule(
  since: number | undefined,
  firstPoll: ProvisioningJobStatus,
): (run: ProvisioningExecutionSummary) => boolean {
  const ended = (run: ProvisioningExecutionSummary | null) => (run ? Date.parse(run.timeEnded) : NaN);
  if (since !== undefined) return (run) => ended(run) >= since;
  const previous = ended(firstPoll.lastExecution);
  return (run) => Number.isFinite(ended(run)) && (!Number.isFinite(previous) || ended(run) > previous);
}

/** The one-line progress shown while waiting (without the elapsed time). */
export function progressText(status: ProvisioningJobStatus, target: WaitTarget): string {
  const parts = [`status ${status.statusCode}`, `schedule ${status.scheduleState}`];
  for (const p of status.progress) parts.push(`${p.completedUnits}/${p.totalUnits} ${p.units ?? ""}`.trim());
  if (status.lastExecution) parts.push(`last run ${status.lastExecution.state}`);
  return `Waiting for ${target}: ${parts.join(", ")}`;
}

/** The quarantine report: why, since when, the error, and how to lift it. */
export function formatQuarantineReport(status: ProvisioningJobStatus): string {
  const q = status.quarantine;
  const lines = formatFields([
    ["Job", status.jobId],
    ["Service principal", status.servicePrincipalId],
    ["Quarantined since", q?.since ?? "-"],
    ["Reason", q?.reason ?? "unknown (status code Quarantine)"],
    ["Error code", q?.error?.code ?? undefined],
    ["Error", q?.error?.message ?? undefined],
    ["Tenant actionable", q?.error ? (q.error.tenantActionable ? "yes" : "no") : undefined],
    ["Next attempt", q?.nextAttempt ?? undefined],
    ["Quarantines in a row", q ? String(q.seriesCount) : undefined],
  ]);
  const advice =
    "Fix the cause (for bad credentials, update the ProvisioningSecrets), then restart the job with " +
    "restartScope QuarantineState: changing JobStart's triggers does it, as does " +
    "POST /servicePrincipals/{id}/synchronization/jobs/{jobId}/restart.\n";
  return `Job ${status.jobId} is in quarantine.\n${lines}${advice}`;
}

/** Parses `--until`; throws a UsageError listing the allowed values. */
export function parseWaitTarget(value: string | undefined): WaitTarget {
  if (value === undefined) throw new UsageError(`--until is required: one of ${WAIT_TARGETS.join(", ")}`);
  if (!(WAIT_TARGETS as readonly string[]).includes(value)) {
    throw new UsageError(`--until must be one of ${WAIT_TARGETS.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return value as WaitTarget;
}

/**
 * Polls the job every `--interval` until the target, a quarantine, `--timeout` or Ctrl-C. Prints the
 * result (table or `--json` {@link WaitResult}) on stdout; exits 0 only when the target was reached.
 */
export async function runWait(ctx: CliContext, spId: string, jobId: string, flags: WaitFlags): Promise<void> {
  checkIdArguments(spId, jobId);
  const target = parseWaitTarget(flags.until);
  const timeoutMs =
    flags.timeout === undefined
      ? DEFAULT_WAIT_TIMEOUT_SECONDS * 1000
      : parseSecondsArgument(flags.timeout, "--timeout", 1, 86_400);
  const intervalMs =
    flags.interval === undefined
      ? DEFAULT_WAIT_INTERVAL_SECONDS * 1000
      : parseSecondsArgument(flags.interval, "--interval", 0.1, 3600);
  const since =
    flags.since === undefined ? undefined : parseTimeArgument(flags.since, "--since", ctx.now()).getTime();
  const { api } = await ctx.connect(flags);

  const started = ctx.now();
  let counts: ((run: ProvisioningExecutionSummary) => boolean) | undefined;
  let lastShown = "";
  let status: ProvisioningJobStatus;
  let outcome: WaitResult["outcome"] | undefined;
  for (;;) {
    status = await getProvisioningJobStatusFrom(api, spId, jobId);
    counts ??= firstCycleRule(since, status);
    outcome = waitOutcome(status, target, counts);
    const elapsed = ctx.now() - started;
    const text = progressText(status, target);
    if (ctx.stderrIsTTY) {
      ctx.stderr(`\r\x1b[K${text} (${Math.round(elapsed / 1000)} s)`);
    } else if (text !== lastShown) {
      ctx.stderr(`${text}\n`);
    }
    lastShown = text;
    if (outcome) break;
    if (ctx.signal.aborted) {
      outcome = "interrupted";
      break;
    }
    const left = timeoutMs - elapsed;
    if (left <= 0) {
      outcome = "timedOut";
      break;
    }
    await ctx.sleep(Math.min(intervalMs, left), ctx.signal);
  }
  if (ctx.stderrIsTTY) ctx.stderr("\n");

  const result: WaitResult = {
    outcome,
    until: target,
    elapsedSeconds: Math.round((ctx.now() - started) / 100) / 10,
    status,
  };
  if (flags.json) {
    ctx.stdout(JSON.stringify(result, null, 2) + "\n");
  } else if (outcome === "quarantined") {
    ctx.stdout(formatQuarantineReport(status));
  } else {
    if (outcome === "reached") ctx.stdout(`Reached ${target} after ${result.elapsedSeconds} s.\n`);
    ctx.stdout(formatJobStatus(status));
  }
  const run = status.lastExecution;
  switch (outcome) {
    case "reached":
      if (run?.state === "EntryLevelErrors") {
        ctx.stderr(
          "Note: the run ended with entry-level errors; see `graph-provisioning logs --status failure`.\n",
        );
      }
      return;
    case "failed":
      throw new CommandFailure(
        `the first run of job ${jobId} failed` +
          (run?.error ? `: ${run.error.code ?? "error"}: ${run.error.message ?? ""}` : ""),
      );
    case "quarantined": {
      const q = status.quarantine;
      throw new CommandFailure(
        `job ${jobId} is in quarantine` +
          (q ? ` (${q.reason})` : "") +
          (q?.error ? `: ${q.error.code ?? "error"}: ${q.error.message ?? ""}` : ""),
      );
    }
    case "timedOut":
      throw new CommandFailure(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${target} ` +
          `(status ${status.statusCode}, schedule ${status.scheduleState})`,
      );
    case "interrupted":
      throw new CommandFailure(`interrupted while waiting for ${target}`);
  }
}
