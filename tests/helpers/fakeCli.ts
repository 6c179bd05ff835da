/**
 * Runs the CLI in-process with a stubbed Graph API and a manual clock (the CLI unit tests).
 */
import type { CliContext, ConnectionFlags } from "../../cli/cliContext";
import { runCli } from "../../cli/program";
import type { GraphApi } from "../../provider/graph/types";
import { SlidingWindowRateLimiter } from "../../provider/monitoring/slidingWindowRateLimiter";

export interface FakeRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Clock reading at the end, ms from the start. */
  elapsedMs: number;
  connects: ConnectionFlags[];
}

/**
 * Runs the CLI with a stubbed Graph API and a manual clock: `sleep` moves the clock, and
 * `onSleep` (called with the clock after each sleep) may abort the run like Ctrl-C.
 */
export async function run(
  args: string[],
  api: Partial<GraphApi>,
  options: {
    env?: NodeJS.ProcessEnv;
    onSleep?: (now: number, abort: () => void) => void;
    tty?: boolean;
  } = {},
): Promise<FakeRun> {
  let now = 0;
  let stdout = "";
  let stderr = "";
  const connects: ConnectionFlags[] = [];
  const interrupt = new AbortController();
  const ctx: CliContext = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stderrIsTTY: options.tty ?? false,
    env: options.env ?? {},
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      options.onSleep?.(now, () => interrupt.abort());
    },
    signal: interrupt.signal,
    logsRateLimiter: new SlidingWindowRateLimiter({
      limit: 5,
      windowMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    }),
    provisionRateLimiter: new SlidingWindowRateLimiter({
      limit: 5,
      windowMs: 10_000,
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    }),
    connect: async (flags) => {
      connects.push(flags);
      return { api: api as GraphApi, limiterKey: "test" };
    },
  };
  const code = await runCli(["node", "graph-provisioning", ...args], ctx);
  return { code, stdout, stderr, elapsedMs: now, connects };
}
