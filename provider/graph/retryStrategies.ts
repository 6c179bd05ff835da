/**
 * The client's rows of the failure table (design.md §5) as retry strategies, composed by the one
 * loop in `retryPolicy.ts` (the azure-sdk-for-js model: a strategy answers retry-after, skip or give up).
 */
import { GraphError } from "./graphError";

/** What the retry loop tells a strategy about the failed attempt. */
export interface RetryContext {
  /** HTTP method of the request, upper case. */
  method: string;
  /** The failure of the latest attempt. */
  error: GraphError;
  /** Attempts made so far, including the one that failed (1-based). */
  attempt: number;
  /** Retries this strategy has already granted for this request. */
  strategyRetries: number;
  /** Milliseconds since the first attempt began. */
  elapsedMs: number;
  /**
   * True when repeating the request cannot apply it twice: not a POST, or a POST marked
   * `sideEffectFree` (validateCredentials). Defaults to "method is not POST".
   */
  repeatable?: boolean;
}

/** Whether a failure that may have been applied can be repeated by the client (design.md §5). */
export function isRepeatable(context: Pick<RetryContext, "method" | "repeatable">): boolean {
  return context.repeatable ?? IDEMPOTENT_METHODS.includes(context.method);
}

/**
 * A strategy's answer: wait and retry, leave the decision to the next strategy, or stop retrying
 * (the error is thrown with `note` appended).
 */
export type RetryDecision = { retryAfterMs: number } | { skip: true } | { giveUp: string };

/** Decides whether and when one kind of failure is retried. */
export interface RetryStrategy {
  readonly name: string;
  decide(context: RetryContext): RetryDecision;
}

/**
 * Exponential backoff with jitter: `min(maxDelayMs, baseDelayMs × 2^retryIndex)`, scaled by a
 * random factor in [0.5, 1) so that a fleet of clients does not retry in lockstep. Milliseconds.
 */
export function exponentialDelayMs(
  retryIndex: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const capped = Math.min(maxDelayMs, baseDelayMs * Math.pow(2, retryIndex));
  return Math.round(capped * (0.5 + 0.5 * random()));
}

/** Options of {@link throttlingStrategy}. */
export interface ThrottlingStrategyOptions {
  /** Stop retrying when the next wait would end later than this after the first attempt. Defaults to 600 000 (10 min). */
  maxElapsedMs?: number;
  /** First backoff when the response names no wait. Defaults to 1 000 ms. */
  baseDelayMs?: number;
  /** Largest backoff when the response names no wait. Defaults to 60 000 ms. */
  maxDelayMs?: number;
  /**
   * The shortest wait: a named wait below it is raised to it, so that `x-ms-retry-after-ms: 1` cannot
   * make a hot loop. Defaults to 100 ms. (A wait of zero or less, or a past date, names no wait: backoff.)
   */
  minDelayMs?: number;
  /** Source of jitter in [0, 1). Defaults to Math.random. */
  random?: () => number;
}

/** Default of {@link ThrottlingStrategyOptions.maxElapsedMs}: how long one request may be throttled. */
export const DEFAULT_THROTTLING_BUDGET_MS = 600_000;

/** HTTP statuses by which Graph refuses a request without acting on it (graph-api.md §11). */
export const THROTTLING_STATUSES: readonly number[] = [429, 503, 504];

/**
 * 429 on any method (Graph refused the request without acting on it, so even a POST is safe to
 * repeat); 503 and 504 only on repeatable requests (a gateway can answer them after the backend
 * acted: a POST goes to the resource's look-up instead). Waits what the response asks
 * (`x-ms-retry-after-ms`, else `Retry-After`), at least `minDelayMs`; a wait of zero or less (a past
 * date, `Retry-After: 0`) or none at all ⇒ exponential backoff. Bounded by elapsed time, not by a
 * count, so throttled fleets complete (design.md §5).
 */
export function throttlingStrategy(options: ThrottlingStrategyOptions = {}): RetryStrategy {
  const maxElapsedMs = options.maxElapsedMs ?? DEFAULT_THROTTLING_BUDGET_MS;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const minDelayMs = options.minDelayMs ?? 100;
  const random = options.random ?? Math.random;
  return {
    name: "throttling",
    decide(context) {
      const { error, strategyRetries, elapsedMs } = context;
      if (!THROTTLING_STATUSES.includes(error.statusCode)) return { skip: true };
      // Refused by our own pacer: waiting longer is what it already ruled out.
      if (error.code === GraphError.THROTTLED) return { skip: true };
      if (error.statusCode !== 429 && !isRepeatable(context)) return { skip: true };
      const named = error.retryAfterMs;
      const wait =
        named !== undefined && named > 0
          ? Math.max(named, minDelayMs)
          : Math.max(exponentialDelayMs(strategyRetries, baseDelayMs, maxDelayMs, random), minDelayMs);
      if (elapsedMs + wait > maxElapsedMs) {
        return {
          giveUp:
            `(gave up: still throttled after ${Math.round(elapsedMs / 1000)} s, and asked to wait ` +
            `${Math.round(wait / 1000)} s more; the limit is ${Math.round(maxElapsedMs / 1000)} s; run again later, ` +
            `with fewer requests at once)`,
        };
      }
      return { retryAfterMs: wait };
    },
  };
}

/** Options of {@link transientStrategy}. */
export interface TransientStrategyOptions {
  /** Retries after the first attempt. Defaults to 3 (4 attempts in all). */
  maxRetries?: number;
  /** First backoff. Defaults to 1 000 ms. */
  baseDelayMs?: number;
  /** Largest backoff. Defaults to 30 000 ms. */
  maxDelayMs?: number;
  /** Source of jitter in [0, 1). Defaults to Math.random. */
  random?: () => number;
}

/** Methods whose repetition cannot create a second object (design.md §5). */
export const IDEMPOTENT_METHODS: readonly string[] = ["GET", "HEAD", "PUT", "PATCH", "DELETE"];

/** Statuses treated as transient server failures. */
export const TRANSIENT_STATUSES: readonly number[] = [500, 502];

/** True for a connection failure, a timeout, 500 or 502. */
export function isTransientFailure(error: GraphError): boolean {
  if (error.statusCode === 0) {
    return error.code === GraphError.REQUEST_SEND_ERROR || error.code === GraphError.TIMEOUT;
  }
  return TRANSIENT_STATUSES.includes(error.statusCode);
}

/**
 * Connection reset, timeout, 500 and 502 — retried only for repeatable requests (GET, PUT, PATCH,
 * DELETE, and POSTs marked `sideEffectFree`), with exponential backoff and jitter, a few times. Never
 * for another POST: one whose response was lost may have been applied, so the resource looks up
 * before repeating it (design.md §3, §5).
 */
export function transientStrategy(options: TransientStrategyOptions = {}): RetryStrategy {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  return {
    name: "transient",
    decide(context) {
      const { error, strategyRetries, attempt } = context;
      if (!isTransientFailure(error) || !isRepeatable(context)) return { skip: true };
      if (strategyRetries >= maxRetries) return { giveUp: `(gave up after ${attempt} attempts)` };
      return { retryAfterMs: exponentialDelayMs(strategyRetries, baseDelayMs, maxDelayMs, random) };
    },
  };
}
