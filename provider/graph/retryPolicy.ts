/**
 * The one retry loop of the client: it asks each strategy in turn about a failed attempt and
 * sleeps as told (azure-sdk-for-js `retryPolicy` model). It knows nothing about HTTP.
 */
import { GraphError, isGraphError } from "./graphError";
import type { RetryStrategy } from "./retryStrategies";
import { IDEMPOTENT_METHODS, throttlingStrategy, transientStrategy } from "./retryStrategies";
import type { ThrottlingStrategyOptions, TransientStrategyOptions } from "./retryStrategies";

/** Waits `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

/** `setTimeout`-based sleep (so sinon fake timers control it). */
export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reported before each wait, for logging. */
export interface RetryEvent {
  error: GraphError;
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  strategy: string;
}

/** Options of {@link sendWithRetry}. */
export interface RetryPolicyOptions {
  /** Asked in order; the first that does not skip decides. Defaults to {@link defaultRetryStrategies}(). */
  strategies?: RetryStrategy[];
  /** Defaults to {@link defaultSleep}. */
  sleep?: Sleep;
  /** Clock in epoch milliseconds. Defaults to Date.now. */
  now?: () => number;
  /** Called before each wait. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * The request changes nothing (a POST such as validateCredentials): a lost response or a 5xx may be
   * retried as for GET. Defaults to false: a POST is retried only on 429 (design.md §5).
   */
  sideEffectFree?: boolean;
}

/** Options of the default strategies, as `GraphClient` exposes them. */
export interface RetryLimits {
  throttling?: ThrottlingStrategyOptions;
  transient?: TransientStrategyOptions;
}

/** Throttling first, then transient failures (design.md §5). */
export function defaultRetryStrategies(limits: RetryLimits = {}): RetryStrategy[] {
  return [throttlingStrategy(limits.throttling), transientStrategy(limits.transient)];
}

/**
 * Runs `send` until it resolves, or a failure is one no strategy retries, or a strategy gives up.
 * Only {@link GraphError}s are considered; anything else (e.g. a credential failure) is rethrown at
 * once. The thrown error carries the number of attempts; `send` gets the attempt number (1-based),
 * so that it can fetch a fresh token per attempt.
 *
 * @param method - HTTP method of the request (strategies decide by it).
 */
export async function sendWithRetry<T>(
  method: string,
  send: (attempt: number) => Promise<T>,
  options: RetryPolicyOptions = {},
): Promise<T> {
  const strategies = options.strategies ?? defaultRetryStrategies();
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const start = now();
  const retriesByStrategy = new Map<string, number>();
  const upperMethod = method.toUpperCase();
  const repeatable = options.sideEffectFree === true || IDEMPOTENT_METHODS.includes(upperMethod);
  for (let attempt = 1; ; attempt++) {
    try {
      return await send(attempt);
    } catch (e) {
      if (!isGraphError(e)) throw e;
      let delayMs: number | undefined;
      let strategyName = "";
      for (const strategy of strategies) {
        const decision = strategy.decide({
          method: upperMethod,
          error: e,
          attempt,
          strategyRetries: retriesByStrategy.get(strategy.name) ?? 0,
          elapsedMs: now() - start,
          repeatable,
        });
        if ("skip" in decision) continue;
        if ("giveUp" in decision) throw e.withNote(decision.giveUp, attempt);
        delayMs = decision.retryAfterMs;
        strategyName = strategy.name;
        break;
      }
      if (delayMs === undefined) throw attempt === 1 ? e : e.withNote(`(after ${attempt} attempts)`, attempt);
      retriesByStrategy.set(strategyName, (retriesByStrategy.get(strategyName) ?? 0) + 1);
      options.onRetry?.({ error: e, attempt, delayMs, strategy: strategyName });
      await sleep(delayMs);
    }
  }
}
