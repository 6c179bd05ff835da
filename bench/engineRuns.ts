/**
 * Measurements through the engine harness (the REAL dynamic-provider host over gRPC, programs under
 * setMocks; `pulumi-graph-provisioning/testing`): Graph calls per app for up / preview / no-op /
 * destroy, serialized `__provider` bytes, and preview time + peak RSS of the host for a large program.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RequestLogEntry } from "../emulator/server";
import type { LocalStack as LocalStackType, RunResult } from "../testing/programRunner";
import { type BenchEmulator, emulatorConfig, graphRequests, REPO_ROOT, tokenRequests } from "./benchEmulator";
import { AWS_TEMPLATE_ID, BENCH_CREDENTIALS } from "./fleetApps";

// Compiled package, as users load it: closure serialization needs tsc output, not ts-node's.
const testing = require("pulumi-graph-provisioning/testing") as { LocalStack: typeof LocalStackType };
const pkg = require("pulumi-graph-provisioning") as typeof import("../provider");

/** Graph calls of one harness run, split by method class. */
export interface CallCount {
  total: number;
  writes: number;
  reads: number;
  tokens: number;
}

function countCalls(log: RequestLogEntry[]): CallCount {
  const graph = graphRequests(log);
  const writes = graph.filter((e) => e.method !== "GET").length;
  return { total: graph.length, writes, reads: graph.length - writes, tokens: tokenRequests(log).length };
}

/** A LocalStack of the bench project on `emulator`, its state and stack file under `dir`. */
export function newStack(
  emulator: BenchEmulator,
  dir: string,
  name: string,
  program: () => unknown,
  hostEnv?: Record<string, string>,
): LocalStackType {
  const config: Record<string, string | { secure: string }> = { ...emulatorConfig(emulator.info) };
  config["graphProvisioning:clientSecret"] = { secure: emulator.info.clientSecret };
  return new testing.LocalStack({
    stack: name,
    projectDir: REPO_ROOT,
    projectName: "bench",
    stackConfigFile: path.join(dir, `Pulumi.${name}.yaml`),
    stateFile: path.join(dir, `${name}.json`),
    passphrase: "bench-passphrase",
    config,
    program,
    hostEnv,
  });
}

async function measured(
  emulator: BenchEmulator,
  run: () => Promise<RunResult>,
): Promise<{ result: RunResult; calls: CallCount }> {
  await emulator.control.clearRequestLog();
  const result = await run();
  if (!result.ok) throw new Error(`${result.kind} failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return { result, calls: countCalls(await emulator.control.requestLog()) };
}

/** Calls per app of one AppProvisioning through the host, and the __provider sizes it stored. */
export interface CallsPerApp {
  jobTemplateId: boolean;
  permanentDelete: boolean;
  preview: CallCount;
  up: CallCount;
  noopPreview: CallCount;
  noopUp: CallCount;
  destroy: CallCount;
  /** Serialized `__provider` bytes of each custom resource (by type). */
  providerBytes: Record<string, number>;
  /** Every file the runs wrote (state) and every text they printed, for the secret scan. */
  texts: string[];
}

/**
 * One AppProvisioning (AWS gallery app) through preview → up → preview → up → destroy, counting
 * the emulator's Graph requests of each run.
 */
export async function callsPerApp(
  emulator: BenchEmulator,
  options: { jobTemplateId: boolean; permanentDelete: boolean },
): Promise<CallsPerApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-calls-"));
  try {
    const stack = newStack(emulator, dir, "calls", () => {
      const app = new pkg.AppProvisioning("app", {
        displayName: `Bench calls ${options.jobTemplateId ? "with" : "without"} jobTemplateId`,
        templateId: AWS_TEMPLATE_ID,
        ...(options.jobTemplateId ? { jobTemplateId: "aws" } : {}),
        permanentDelete: options.permanentDelete,
        credentials: { ...BENCH_CREDENTIALS },
      });
      return { jobId: app.jobId };
    });
    const texts: string[] = [];
    const keep = (r: { result: RunResult; calls: CallCount }) => {
      texts.push(r.result.hostOutput, JSON.stringify(r.result));
      const state = path.join(dir, "calls.json");
      if (fs.existsSync(state)) texts.push(fs.readFileSync(state, "utf8"));
      return r;
    };
    const preview = keep(await measured(emulator, () => stack.preview()));
    const up = keep(await measured(emulator, () => stack.up()));
    const state = await stack.state();
    const providerBytes: Record<string, number> = {};
    for (const r of state.resources) {
      const p = r.inputs?.__provider;
      if (typeof p === "string") providerBytes[r.type.split(":").pop() ?? r.type] = Buffer.byteLength(p);
    }
    const noopPreview = keep(await measured(emulator, () => stack.preview()));
    const noopUp = keep(await measured(emulator, () => stack.up()));
    const destroy = keep(await measured(emulator, () => stack.destroy()));
    return {
      ...options,
      preview: preview.calls,
      up: up.calls,
      noopPreview: noopPreview.calls,
      noopUp: noopUp.calls,
      destroy: destroy.calls,
      providerBytes,
      texts,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Preview of a large program through the host. */
export interface LargePreview {
  resources: number;
  previewMs: number;
  /** Peak resident set size of the dynamic-provider host, in MiB. */
  hostPeakRssMiB: number;
  graphCalls: number;
}

/**
 * Previews a program of `apps` AppProvisioning components (4 custom resources each) on an empty
 * stack. The host's peak RSS comes from a preload that records `process.resourceUsage().maxRSS`
 * when the harness stops it.
 */
export async function largePreview(emulator: BenchEmulator, apps: number): Promise<LargePreview> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-preview-"));
  try {
    const rssFile = path.join(dir, "host-rss.json");
    const preload = path.join(dir, "record-rss.js");
    fs.writeFileSync(
      preload,
      [
        `const fs = require("fs");`,
        `const write = () => fs.writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify(process.resourceUsage()));`,
        `process.on("SIGTERM", () => { write(); process.exit(0); });`,
        `process.on("exit", write);`,
      ].join("\n"),
    );
    const stack = newStack(
      emulator,
      dir,
      "preview",
      () => {
        for (let i = 0; i < apps; i++) {
          new pkg.AppProvisioning(`app-${i}`, {
            displayName: `Bench preview ${i}`,
            templateId: AWS_TEMPLATE_ID,
            jobTemplateId: "aws",
            credentials: { ...BENCH_CREDENTIALS },
            waitFor: "none",
          });
        }
      },
      { NODE_OPTIONS: `--require ${preload}` },
    );
    await emulator.control.clearRequestLog();
    const started = performance.now();
    const result = await stack.preview();
    const previewMs = performance.now() - started;
    if (!result.ok) throw new Error(`preview failed: ${result.errors.map((e) => e.message).join("; ")}`);
    const usage = JSON.parse(fs.readFileSync(rssFile, "utf8")) as { maxRSS: number };
    return {
      resources: result.steps.filter((s) => s.custom).length,
      previewMs,
      hostPeakRssMiB: usage.maxRSS / 1024,
      graphCalls: graphRequests(await emulator.control.requestLog()).length,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
