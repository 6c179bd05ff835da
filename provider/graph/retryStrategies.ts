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
  /** Source of jitter in [0, 1). Defaults to Math.random. */
  random?: () => number;
}

/** HTTP statuses by which Graph refuses a request without acting on it (graph-api.md §11). */
export const THROTTLING_STATUSES: readonly number[] = [429, 503, 504];

/**
 * 429, 503 and 504 on any method (the server refused the request, so even a POST is safe to repeat):
 * wait what the response asks (`x-ms-retry-after-ms`, else `Retry-After`), else exponential backoff;
 * bounded by elapsed time, not by a count, so throttled fleets complete (design.md §5).
 */
export function throttlingStrategy(options: ThrottlingStrategyOptions = {}): RetryStrategy {
  const maxElapsedMs = options.maxElapsedMs ?? 600_000;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const random = options.random ?? Math.random;
  return {
    name: "throttling",
    decide({ error, strategyRetries, elapsedMs }) {
      if (!THROTTLING_STATUSES.includes(error.statusCode)) return { skip: true };
      const wait = error.retryAfterMs ?? exponentialDelayMs(strategyRetries, baseDelayMs, maxDelayMs, random);
      if (elapsedMs + wait > maxElapsedMs) {
        return {
          giveUp: `(gave up: still throttled after ${Math.round(elapsedMs / 1000)} s; the limit is ${Math.round(maxElapsedMs / 1000)} s)`,
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
 * Connection reset, timeout, 500 and 502 — retried only for GET, PUT, PATCH and DELETE, with
 * exponential backoff and jitter, a few times. Never for POST: a POST whose response was lost may
 * have been applied, so the resource looks up before repeating it (design.md §3, §5).
 */
export function transientStrategy(options: TransientStrategyOptions = {}): RetryStrategy {
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  return {
    name: "transient",
    decide({ method, error, strategyRetries, attempt }) {
      if (!isTransientFailure(error) || !IDEMPOTENT_METHODS.includes(method)) return { skip: true };
      if (strategyRetries >= maxRetries) return { giveUp: `(gave up after ${attempt} attempts)` };
      return { retryAfterMs: exponentialDelayMs(strategyRetries, baseDelayMs, maxDelayMs, random) };
    },
  };
}
