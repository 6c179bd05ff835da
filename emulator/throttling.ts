/**
 * Graph-limits mode: a write token bucket per tenant + app (capacity C, refilled at R tokens per second;
 * Graph: C = 3,000 writes per 150 s ⇒ R = 20/s, graph-api.md §11) and the reports limit on
 * `/auditLogs/provisioning` (5 requests per 10 s per app per tenant). Refused requests do not consume a
 * token, so a client pacing itself on Retry-After can reach the (W − C) / R floor.
 */

/** Limits of Graph-limits mode. */
export interface GraphLimits {
  /** Bucket capacity C, in writes. Graph: 3000. */
  writeCapacity: number;
  /** Refill rate R, in writes per second. Graph: 20. */
  writeRefillPerSecond: number;
  /** Provisioning-log requests allowed per 10 s window. Graph: 5. */
  logsPer10s: number;
}

/** Graph's own numbers. */
export const GRAPH_LIMITS: GraphLimits = { writeCapacity: 3000, writeRefillPerSecond: 20, logsPer10s: 5 };

const LOG_WINDOW_MS = 10_000;

/** Token buckets and log windows, keyed by `tenantId/clientId`. In memory (per process) by design. */
export class Throttler {
  private readonly buckets = new Map<string, { tokens: number; updatedMs: number }>();
  private readonly logCalls = new Map<string, number[]>();

  constructor(private limits: GraphLimits | null) {}

  /** Current limits; null when Graph-limits mode is off. */
  get current(): GraphLimits | null {
    return this.limits;
  }

  /** Switches the mode on (with these limits) or off (null); buckets start full again. */
  setLimits(limits: GraphLimits | null): void {
    this.limits = limits;
    this.reset();
  }

  reset(): void {
    this.buckets.clear();
    this.logCalls.clear();
  }

  /** Takes one write token; returns 0 when granted, else the ms until one is available. */
  takeWrite(key: string, nowMs: number): number {
    if (!this.limits) return 0;
    const { writeCapacity, writeRefillPerSecond } = this.limits;
    const bucket = this.buckets.get(key) ?? { tokens: writeCapacity, updatedMs: nowMs };
    bucket.tokens = Math.min(
      writeCapacity,
      bucket.tokens + ((nowMs - bucket.updatedMs) / 1000) * writeRefillPerSecond,
    );
    bucket.updatedMs = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    if (writeRefillPerSecond <= 0) return 60_000;
    return Math.max(1, Math.ceil(((1 - bucket.tokens) / writeRefillPerSecond) * 1000));
  }

  /** Counts one provisioning-log request; returns 0 when allowed, else the ms until the window frees one. */
  takeLogRead(key: string, nowMs: number): number {
    if (!this.limits) return 0;
    const calls = (this.logCalls.get(key) ?? []).filter((t) => t > nowMs - LOG_WINDOW_MS);
    this.logCalls.set(key, calls);
    if (calls.length < this.limits.logsPer10s) {
      calls.push(nowMs);
      return 0;
    }
    return Math.max(1, calls[0] + LOG_WINDOW_MS - nowMs);
  }
}
