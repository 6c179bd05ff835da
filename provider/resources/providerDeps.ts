import type { ResourceTarget } from "../graph/connection";
import type { GraphApi } from "../graph/types";
import type { ConnectionSettings } from "./connectionArgs";

/**
 * What a resource provider needs from the outside world. The runtime entry builds the real one;
 * unit tests inject a stubbed {@link GraphApi} and a fake clock.
 */
export interface ProviderDeps {
  /** The Graph client for a resource's `connection` input (merged with stack config and environment). */
  clientFor(connection?: ConnectionSettings | null): GraphApi;
  /** The tenant (as configured) and Graph endpoint the connection resolves to. */
  targetOf(connection?: ConnectionSettings | null): ResourceTarget;
  /**
   * The id (GUID) of the tenant the connection's credentials act in: the configured tenant when it is
   * a GUID, else the access token's `tid` claim; null when neither tells.
   */
  tenantOf(connection?: ConnectionSettings | null): Promise<string | null>;
  /** How long, in milliseconds, a 404 on a just-created parent counts as replication. */
  replicationTimeoutMs(connection?: ConnectionSettings | null): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** Current time in epoch milliseconds. */
  now(): number;
  /**
   * Prints a line for the user during preview (the host's stderr becomes an engine diagnostic, the
   * only channel a dynamic provider has: the host drops detailedDiff). Defaults to stderr.
   */
  notice?(line: string): void;
}
