/**
 * What the CLI's commands need from the outside world, so that they can be tested with a stubbed
 * Graph API and a fake clock.
 */
import type { GraphApi } from "../provider/graph/types";
import type { SlidingWindowRateLimiter } from "../provider/monitoring/slidingWindowRateLimiter";

/** Connection flags common to every command (design.md §4). The client secret is never a flag. */
export interface ConnectionFlags {
  tenantId?: string;
  clientId?: string;
  graphEndpoint?: string;
  authorityHost?: string;
  caFile?: string;
  apiVersion?: string;
  proxy?: string;
}

/** Output streams, environment, clock and Graph access of one CLI run. */
export interface CliContext {
  /** Writes to stdout (command results: tables, or JSON with `--json`). */
  stdout(text: string): void;
  /** Writes to stderr (progress and errors). */
  stderr(text: string): void;
  /** True when stderr is a terminal: progress then rewrites one line instead of printing many. */
  stderrIsTTY: boolean;
  /** Environment variables (connection fallbacks, design.md §4). */
  env: NodeJS.ProcessEnv;
  /** Current time, epoch milliseconds. */
  now(): number;
  /** Waits `ms` milliseconds, or less if `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Aborted when the user interrupts (Ctrl-C): `--follow` and `wait` stop cleanly. */
  signal: AbortSignal;
  /** Paces provisioning-log requests (5 per 10 s per app and tenant); the process-wide one in the bin. */
  logsRateLimiter: SlidingWindowRateLimiter;
  /** Paces provision-on-demand requests (5 per 10 s); defaults to the process-wide one. */
  provisionRateLimiter?: SlidingWindowRateLimiter;
  /** A Graph client for the flags merged with the environment, and its rate-limit key. */
  connect(flags: ConnectionFlags): Promise<{ api: GraphApi; limiterKey: string }>;
}

/** Options every command has besides the connection flags. */
export interface CommonFlags extends ConnectionFlags {
  /** Print only JSON on stdout. */
  json?: boolean;
}
