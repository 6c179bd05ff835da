#!/usr/bin/env node
/**
 * The `graph-provisioning` bin: runs the CLI against the real process (streams, environment,
 * signals) and exits with its code.
 */
import type { CliContext } from "./cliContext";
import {
  provisionOnDemandRateLimiter,
  provisioningLogsRateLimiter,
} from "../provider/monitoring/slidingWindowRateLimiter";
import { connectFromFlags } from "./cliConnection";
import { runCli } from "./program";

/** Resolves after `ms`, or at once when `signal` aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How long an interrupted command may take to finish (e.g. an in-flight request) before exit. */
const INTERRUPT_GRACE_MS = 2_000;

async function main(): Promise<void> {
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(1);
    interrupt.abort();
    // `wait` and `logs --follow` stop at once; other commands get a short grace period.
    setTimeout(() => process.exit(1), INTERRUPT_GRACE_MS).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const ctx: CliContext = {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    now: () => Date.now(),
    sleep: abortableSleep,
    signal: interrupt.signal,
    logsRateLimiter: provisioningLogsRateLimiter,
    provisionRateLimiter: provisionOnDemandRateLimiter,
    connect: async (flags) => connectFromFlags(flags, process.env),
  };
  const code = await runCli(process.argv, ctx);
  // Exit explicitly once output is flushed: pooled keep-alive sockets would keep the process alive.
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

void main();
