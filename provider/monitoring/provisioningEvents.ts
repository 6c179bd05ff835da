/**
 * Step 5 of Microsoft's flow: read the provisioning logs (`GET /auditLogs/provisioning`) as an async
 * iteration over every page, within Graph's limit of 5 requests per 10 s per app per tenant.
 */
import type { ConnectionInput } from "../graph/connection";
import type {
  GraphApi,
  ProvisioningLogQuery,
  ProvisioningObjectSummary,
  ProvisioningResult,
} from "../graph/types";
import { connectToGraph, limiterKeyOf } from "./monitoringConnection";
import { SlidingWindowRateLimiter, provisioningLogsRateLimiter } from "./slidingWindowRateLimiter";

/** Statuses a provisioning log entry can be filtered by (`provisioningStatusInfo/status`). */
export const PROVISIONING_EVENT_STATUSES = ["success", "failure", "skipped", "warning"] as const;
/** One of {@link PROVISIONING_EVENT_STATUSES}. */
export type ProvisioningEventStatus = (typeof PROVISIONING_EVENT_STATUSES)[number];

/** Largest page size (`$top`) accepted. */
export const MAX_PROVISIONING_EVENTS_PAGE_SIZE = 1000;
/** Page size (`$top`) used when none is given. */
export const DEFAULT_PROVISIONING_EVENTS_PAGE_SIZE = 100;

/** Arguments of {@link listProvisioningEvents}. Every filter is optional; filters combine with `and`. */
export interface ListProvisioningEventsArgs {
  /** Only entries of this service principal (object id). */
  servicePrincipalId?: string;
  /** Only entries of this synchronization job id. */
  jobId?: string;
  /** Only entries with `activityDateTime` strictly after this instant (a Date or an ISO 8601 string). */
  since?: Date | string;
  /** Only entries with `activityDateTime` strictly before this instant (a Date or an ISO 8601 string). */
  until?: Date | string;
  /** Only entries with this `provisioningStatusInfo/status`. */
  status?: ProvisioningEventStatus;
  /** Entries per request (`$top`), 1..1000. Defaults to 100. */
  pageSize?: number;
  /** Stop after this many entries (positive integer). Defaults to no limit: every page is read. */
  limit?: number;
  /**
   * Connection settings; missing fields come from the `graphProvisioning` stack config (inside a
   * Pulumi program) and then the environment (design.md §4).
   */
  connection?: ConnectionInput;
}

/** Options of {@link listProvisioningEventsFrom}. */
export interface ProvisioningEventsOptions {
  /** Limiter gating each page request. Defaults to the process-wide 5-per-10-s limiter. */
  limiter?: SlidingWindowRateLimiter;
  /** Limiter key: one app in one tenant. Defaults to `"default"`. */
  limiterKey?: string;
}

function toIsoInstant(value: Date | string, field: string): string {
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()) || (typeof value === "string" && value.trim() === "")) {
    throw new Error(`${field} must be a Date or an ISO 8601 date-time string, got ${JSON.stringify(value)}`);
  }
  return date.toISOString();
}

function checkOptionalId(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkPositiveInteger(value: unknown, field: string, max?: number): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== "number" ||
    !Number.isInteger(value) ||
    value < 1 ||
    (max !== undefined && value > max)
  ) {
    const range = max === undefined ? "a positive integer" : `an integer from 1 to ${max}`;
    throw new Error(`${field} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validates {@link ListProvisioningEventsArgs} and turns them into the Graph query.
 * Throws an Error naming the bad field and what is allowed.
 */
export function toProvisioningLogQuery(args: ListProvisioningEventsArgs): ProvisioningLogQuery {
  const query: ProvisioningLogQuery = {};
  const servicePrincipalId = checkOptionalId(args.servicePrincipalId, "servicePrincipalId");
  if (servicePrincipalId !== undefined) query.servicePrincipalId = servicePrincipalId;
  const jobId = checkOptionalId(args.jobId, "jobId");
  if (jobId !== undefined) query.jobId = jobId;
  if (args.since !== undefined) query.since = toIsoInstant(args.since, "since");
  if (args.until !== undefined) query.until = toIsoInstant(args.until, "until");
  if (query.since !== undefined && query.until !== undefined && query.since >= query.until) {
    throw new Error(`since (${query.since}) must be earlier than until (${query.until})`);
  }
  if (args.status !== undefined) {
    if (!(PROVISIONING_EVENT_STATUSES as readonly string[]).includes(args.status)) {
      throw new Error(
        `status must be one of ${PROVISIONING_EVENT_STATUSES.join(", ")}, got ${JSON.stringify(args.status)}`,
      );
    }
    query.status = args.status as ProvisioningResult;
  }
  query.top =
    checkPositiveInteger(args.pageSize, "pageSize", MAX_PROVISIONING_EVENTS_PAGE_SIZE) ??
    DEFAULT_PROVISIONING_EVENTS_PAGE_SIZE;
  checkPositiveInteger(args.limit, "limit");
  return query;
}

/**
 * Iterates provisioning log entries through `api`, page after page (following `@odata.nextLink`),
 * acquiring a limiter slot before every request. Arguments are validated on the first `next()`.
 * The `connection` field of `args` is ignored: `api` is already connected.
 */
export async function* listProvisioningEventsFrom(
  api: GraphApi,
  args: ListProvisioningEventsArgs,
  options: ProvisioningEventsOptions = {},
): AsyncGenerator<ProvisioningObjectSummary, void, undefined> {
  const query = toProvisioningLogQuery(args);
  const limiter = options.limiter ?? provisioningLogsRateLimiter;
  const key = options.limiterKey ?? "default";
  let remaining = args.limit ?? Infinity;
  let nextLink: string | undefined;
  do {
    await limiter.acquire(key);
    const page = await api.listProvisioningEventsPage(query, nextLink);
    for (const event of page.value) {
      if (remaining <= 0) return;
      remaining--;
      yield event;
    }
    if (remaining <= 0) return;
    nextLink = page.nextLink;
  } while (nextLink);
}

/**
 * Provisioning log entries (`GET /auditLogs/provisioning`) matching `args`, as an async iterable:
 * `for await (const event of listProvisioningEvents({ servicePrincipalId, since: "2024-05-01T00:00:00Z" }))`.
 *
 * Follows `@odata.nextLink` until the last page or `limit`. Every page request first takes a slot
 * from a process-wide limiter (5 requests per 10 s per app per tenant, Graph's limit for this
 * endpoint), so concurrent iterations with one identity share the budget. Requires the
 * `AuditLog.Read.All` and `Directory.Read.All` permissions. Validation, connection and Graph errors
 * reject the iteration's first `next()`.
 */
export function listProvisioningEvents(
  args: ListProvisioningEventsArgs = {},
): AsyncIterable<ProvisioningObjectSummary> {
  return {
    async *[Symbol.asyncIterator]() {
      // Validate before connecting, so bad input fails without any credential lookup.
      toProvisioningLogQuery(args);
      const { api, connection } = await connectToGraph(args.connection);
      yield* listProvisioningEventsFrom(api, args, { limiterKey: limiterKeyOf(connection) });
    },
  };
}
