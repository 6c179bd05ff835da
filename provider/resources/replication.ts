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
