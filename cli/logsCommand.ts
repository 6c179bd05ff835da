/**
 * `graph-provisioning logs`: provisioning log entries (`/auditLogs/provisioning`), filtered, once or
 * continuously with `--follow`.
 */
import type { ProvisioningObjectSummary } from "../provider/graph/types";
import {
  listProvisioningEventsFrom,
  PROVISIONING_EVENT_STATUSES,
} from "../provider/monitoring/provisioningEvents";
import type {
  ListProvisioningEventsArgs,
  ProvisioningEventStatus,
} from "../provider/monitoring/provisioningEvents";
import type { CliContext, CommonFlags } from "./cliContext";
import { UsageError } from "./cliErrors";
import { formatTable } from "./formatTable";
import { parseCountArgument, parseSecondsArgument, parseTimeArgument } from "./parseTimeArgument";

/** Flags of `logs`, as commander hands them over (strings). */
export interface LogsFlags extends CommonFlags {
  sp?: string;
  job?: string;
  /** ISO 8601 or a duration ago (`1h`). Defaults to `24h`. */
  since?: string;
  until?: string;
  status?: string;
  /** Entries to print at most (without `--follow`). Defaults to 1000. */
  limit?: string;
  follow?: boolean;
  /** Seconds between polls with `--follow`. Defaults to 10. */
  interval?: string;
}

/** Default `--since`: the last day. */
export const DEFAULT_LOGS_SINCE = "24h";
/** Default `--limit`. */
export const DEFAULT_LOGS_LIMIT = 1000;
/** Default `--interval` with `--follow`, seconds: 2 of Graph's 5 requests per 10 s stay for other callers. */
export const DEFAULT_FOLLOW_INTERVAL_SECONDS = 10;
/**
 * With `--follow`, each poll re-reads this far behind the newest entry seen, because Graph writes log
 * entries with a delay after their `activityDateTime`; duplicates are dropped by id.
 */
export const FOLLOW_OVERLAP_MS = 5 * 60_000;

interface IdentityLike {
  displayName?: unknown;
  id?: unknown;
}

function identityName(identity: Record<string, unknown> | null): string | null {
  if (!identity) return null;
  const { displayName, id } = identity as IdentityLike;
  if (typeof displayName === "string" && displayName) return displayName;
  return typeof id === "string" && id ? id : null;
}

function eventRow(e: ProvisioningObjectSummary): (string | null)[] {
  const info = e.provisioningStatusInfo;
  const error = info?.errorInformation;
  return [
    e.activityDateTime,
    info?.status ?? null,
    e.provisioningAction,
    identityName(e.sourceIdentity),
    identityName(e.targetIdentity),
    e.servicePrincipal?.displayName ?? e.servicePrincipal?.id ?? null,
    e.jobId,
    error ? [error.errorCode, error.reason].filter(Boolean).join(": ") || null : null,
  ];
}

const HEADERS = ["TIME", "STATUS", "ACTION", "SOURCE", "TARGET", "APP", "JOB", "ERROR"];

/** A human table of log entries. */
export function formatEvents(events: readonly ProvisioningObjectSummary[]): string {
  return formatTable(HEADERS, events.map(eventRow));
}

/** Turns the flags into library arguments (throws UsageError naming the flag). */
export function logsArgs(flags: LogsFlags, now: number): ListProvisioningEventsArgs {
  const args: ListProvisioningEventsArgs = {};
  if (flags.sp !== undefined) {
    if (!flags.sp.trim())
      throw new UsageError("--sp must be a service principal object id, got an empty string");
    args.servicePrincipalId = flags.sp;
  }
  if (flags.job !== undefined) {
    if (!flags.job.trim())
      throw new UsageError("--job must be a synchronization job id, got an empty string");
    args.jobId = flags.job;
  }
  args.since = parseTimeArgument(flags.since ?? DEFAULT_LOGS_SINCE, "--since", now);
  if (flags.until !== undefined) {
    if (flags.follow) throw new UsageError("--until cannot be combined with --follow");
    args.until = parseTimeArgument(flags.until, "--until", now);
    if (args.until.getTime() <= args.since.getTime()) {
      throw new UsageError(
        `--until (${args.until.toISOString()}) must be later than --since (${args.since.toISOString()})`,
      );
    }
  }
  if (flags.status !== undefined) {
    if (!(PROVISIONING_EVENT_STATUSES as readonly string[]).includes(flags.status)) {
      throw new UsageError(
        `--status must be one of ${PROVISIONING_EVENT_STATUSES.join(", ")}, got ${JSON.stringify(flags.status)}`,
      );
    }
    args.status = flags.status as ProvisioningEventStatus;
  }
  return args;
}

/**
 * Column widths for `--follow`, where later rows are not known when a line is printed: wide enough
 * for the usual values (an ISO time, a status, an action); longer values push the line out.
 */
const FOLLOW_WIDTHS = [24, 8, 12, 24, 24, 20, 24, 0];

function fixedWidthLine(cells: readonly (string | null)[]): string {
  return (
    cells
      .map((c, i) => (c === null || c === "" ? "-" : c.replace(/\s*\r?\n\s*/g, " ")).padEnd(FOLLOW_WIDTHS[i]))
      .join("  ")
      .trimEnd() + "\n"
  );
}

function byTime(a: ProvisioningObjectSummary, b: ProvisioningObjectSummary): number {
  return Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime) || a.id.localeCompare(b.id);
}

/** Prints matching log entries once: a table, or a JSON array with `--json`. */
export async function runLogs(ctx: CliContext, flags: LogsFlags): Promise<void> {
  const args = logsArgs(flags, ctx.now());
  const limit =
    flags.limit === undefined ? DEFAULT_LOGS_LIMIT : parseCountArgument(flags.limit, "--limit", 1_000_000);
  const intervalMs =
    flags.interval === undefined
      ? DEFAULT_FOLLOW_INTERVAL_SECONDS * 1000
      : parseSecondsArgument(flags.interval, "--interval", 0.1, 3600);
  const { api, limiterKey } = await ctx.connect(flags);
  if (flags.follow) {
    await followLogs(ctx, flags, args, intervalMs, async (query) => {
      const out: ProvisioningObjectSummary[] = [];
      for await (const e of listProvisioningEventsFrom(api, query, {
        limiterKey,
        limiter: ctx.logsRateLimiter,
      }))
        out.push(e);
      return out;
    });
    return;
  }
  const events: ProvisioningObjectSummary[] = [];
  // One more than the limit tells whether entries were left out.
  for await (const e of listProvisioningEventsFrom(
    api,
    { ...args, limit: limit + 1 },
    {
      limiterKey,
      limiter: ctx.logsRateLimiter,
    },
  )) {
    events.push(e);
  }
  const truncated = events.length > limit;
  if (truncated) events.length = limit;
  if (flags.json) {
    ctx.stdout(JSON.stringify(events, null, 2) + "\n");
  } else if (events.length === 0) {
    ctx.stderr("No provisioning log entries match.\n");
  } else {
    ctx.stdout(formatEvents(events));
  }
  if (truncated)
    ctx.stderr(`Showing the first ${limit} entries; raise --limit or narrow --since to see more.\n`);
}

/**
 * Polls every `intervalMs` until `ctx.signal` aborts, printing entries not printed before, oldest
 * first: table lines (header once), or one JSON object per line with `--json`.
 */
export async function followLogs(
  ctx: CliContext,
  flags: LogsFlags,
  args: ListProvisioningEventsArgs,
  intervalMs: number,
  fetch: (query: ListProvisioningEventsArgs) => Promise<ProvisioningObjectSummary[]>,
): Promise<void> {
  const floor = (args.since as Date).getTime();
  const seen = new Map<string, number>();
  let newest = floor;
  let headerPrinted = false;
  while (!ctx.signal.aborted) {
    const since = new Date(Math.max(floor, newest - FOLLOW_OVERLAP_MS));
    const fresh = (await fetch({ ...args, since })).filter((e) => !seen.has(e.id)).sort(byTime);
    for (const e of fresh) {
      const at = Date.parse(e.activityDateTime);
      seen.set(e.id, at);
      if (at > newest) newest = at;
    }
    if (fresh.length > 0) {
      if (flags.json) {
        ctx.stdout(fresh.map((e) => JSON.stringify(e) + "\n").join(""));
      } else {
        if (!headerPrinted) ctx.stdout(fixedWidthLine(HEADERS));
        headerPrinted = true;
        ctx.stdout(fresh.map((e) => fixedWidthLine(eventRow(e))).join(""));
      }
    }
    for (const [id, at] of seen) if (at < newest - FOLLOW_OVERLAP_MS) seen.delete(id);
    await ctx.sleep(intervalMs, ctx.signal);
  }
}
