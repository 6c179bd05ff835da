/**
 * A client-side sliding-window rate limiter: at most `limit` requests start within any window of
 * `windowMs` milliseconds, per key. Used for the provisioning-logs endpoint, which Graph throttles at
 * 5 requests per 10 seconds per app per tenant (graph-api.md §10).
 */
import { defaultSleep } from "../graph/retryPolicy";

/** Options of {@link SlidingWindowRateLimiter}. */
export interface SlidingWindowRateLimiterOptions {
  /** Requests allowed per window, per key. Positive integer. */
  limit: number;
  /** Window length in milliseconds. Positive. */
  windowMs: number;
  /** Current time in milliseconds since the epoch. Defaults to `Date.now`. Injectable for tests. */
  now?: () => number;
  /** Waits `ms` milliseconds. Defaults to a `setTimeout` promise. Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Grants request slots so that no more than `limit` start in any `windowMs`-long window per key.
 *
 * A caller reserves its start time synchronously (the earliest moment at which the window holds
 * fewer than `limit` reservations) before waiting, so concurrent callers on one key never overbook
 * and are served in call order.
 */
export class SlidingWindowRateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Per key, reserved start times (ms), ascending; may lie in the future. */
  private readonly reservations = new Map<string, number[]>();

  constructor(options: SlidingWindowRateLimiterOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new Error(`limit must be a positive integer, got ${String(options.limit)}`);
    }
    if (!Number.isFinite(options.windowMs) || options.windowMs <= 0) {
      throw new Error(`windowMs must be a positive number of milliseconds, got ${String(options.windowMs)}`);
    }
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /**
   * Reserves the next free slot for `key` and resolves when it begins (immediately if the window has
   * room). Returns the number of milliseconds waited (0 when none).
   */
  async acquire(key: string): Promise<number> {
    const wait = this.reserve(key);
    if (wait > 0) {
      await this.sleep(wait);
    }
    return wait;
  }

  /**
   * Reserves a slot for `key` without waiting and returns how many milliseconds from now it begins.
   * Callers must wait that long before sending their request.
   */
  reserve(key: string): number {
    const now = this.now();
    const times = this.reservations.get(key) ?? [];
    // Entries at or before now - window can no longer constrain a slot at or after now.
    while (times.length > 0 && times[0] <= now - this.windowMs) {
      times.shift();
    }
    let start = now;
    if (times.length >= this.limit) {
      // The new request must start once the limit-th most recent reservation leaves the window.
      start = Math.max(now, times[times.length - this.limit] + this.windowMs);
    }
    times.push(start);
    this.reservations.set(key, times);
    return start - now;
  }

  /** Forgets every reservation (all keys). For tests. */
  reset(): void {
    this.reservations.clear();
  }
}

/** Graph's limit for `/auditLogs/provisioning`: requests per window, per app per tenant. */
export const PROVISIONING_LOGS_REQUEST_LIMIT = 5;
/** Graph's window for `/auditLogs/provisioning`, in milliseconds. */
export const PROVISIONING_LOGS_WINDOW_MS = 10_000;

/**
 * The process-wide limiter for `/auditLogs/provisioning` (5 requests per 10 s per key), shared by
 * every `listProvisioningEvents` call in the process. Keys identify an app in a tenant.
 */
export const provisioningLogsRateLimiter = new SlidingWindowRateLimiter({
  limit: PROVISIONING_LOGS_REQUEST_LIMIT,
  windowMs: PROVISIONING_LOGS_WINDOW_MS,
});

/** Graph's limit for `POST …/jobs/{jobId}/provisionOnDemand`: 5 requests per 10 s (graph-schema.md §5). */
export const PROVISION_ON_DEMAND_REQUEST_LIMIT = 5;
/** Graph's window for provisionOnDemand, in milliseconds. */
export const PROVISION_ON_DEMAND_WINDOW_MS = 10_000;

/**
 * The process-wide limiter for provisionOnDemand, shared by every `provisionOnDemand` call in the
 * process and keyed like {@link provisioningLogsRateLimiter} (an app in a tenant).
 */
export const provisionOnDemandRateLimiter = new SlidingWindowRateLimiter({
  limit: PROVISION_ON_DEMAND_REQUEST_LIMIT,
  windowMs: PROVISION_ON_DEMAND_WINDOW_MS,
});
