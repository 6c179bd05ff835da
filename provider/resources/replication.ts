import type { ProviderDeps } from "./providerDeps";
import type { ConnectionSettings } from "./connectionArgs";
import { isNotFound, messageOf } from "./graphFailures";

/** First wait after a replication 404, in ms; doubles up to {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/** Thrown by {@link retryWhileReplicating} when Graph still answered 404 at the end of the window. */
export class ReplicationTimeoutError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = "ReplicationTimeoutError";
  }
}

/**
 * Runs `call`, retrying while it fails with 404 (Graph has not replicated a just-created parent yet),
 * with exponential backoff, for at most the connection's replication timeout. Any other failure is
 * rethrown at once. When time runs out it fails saying `what` was not found after that long.
 */
export async function retryWhileReplicating<T>(
  deps: ProviderDeps,
  connection: ConnectionSettings | null | undefined,
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  const timeoutMs = deps.replicationTimeoutMs(connection);
  const started = deps.now();
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const elapsed = deps.now() - started;
      if (elapsed >= timeoutMs) {
        throw new ReplicationTimeoutError(
          `${what} was not found after ${Math.round(elapsed / 1000)} s: Graph still answers 404 ` +
            `(${messageOf(error)}). If it was created moments ago, raise connection.replicationTimeoutSeconds ` +
            `(now ${Math.round(timeoutMs / 1000)}); otherwise check that it exists in this tenant.`,
          { cause: error },
        );
      }
      await deps.sleep(Math.min(backoff, timeoutMs - elapsed));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}

/**
 * Looks for what a POST whose response was lost may have made. Graph leaves a new object out of
 * lists until it has replicated, so one empty answer right after the failure proves nothing: `look`
 * is called again, with the same exponential backoff as {@link retryWhileReplicating}, until it
 * returns at least one object (returned at once) or the connection's replication timeout
 * (`replicationTimeoutSeconds`, default 120 s) has passed since the first look, when it returns `[]`.
 *
 * So a lost POST that truly made nothing costs that whole window before the caller may repeat it:
 * the price of never making a duplicate. Failures of `look` are rethrown at once.
 */
export async function lookUpWhileReplicating<T>(
  deps: ProviderDeps,
  connection: ConnectionSettings | null | undefined,
  look: () => Promise<T[]>,
): Promise<T[]> {
  const timeoutMs = deps.replicationTimeoutMs(connection);
  const started = deps.now();
  let backoff = FIRST_BACKOFF_MS;
  for (;;) {
    const found = await look();
    if (found.length > 0) return found;
    const elapsed = deps.now() - started;
    if (elapsed >= timeoutMs) return [];
    await deps.sleep(Math.min(backoff, timeoutMs - elapsed));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
}
