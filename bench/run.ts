/**
 * `npm run bench`: the figures of design.md §8 against the Graph emulator (a separate process),
 * written to bench/results.json and bench/results.md.
 *
 * Environment:
 * - BENCH_QUICK=1: small N everywhere (a quick iteration loop, ~1 min).
 * - BENCH_SECTIONS=calls,fleet,preview,throttled,budget,schema: run only these sections (default all).
 * - BENCH_CONCURRENCY: fleet concurrency (default 16, like a generous `pulumi up --parallel`).
 * - BENCH_REPEATS: runs of each fleet and throttled measurement (default 5; the median is reported).
 * - BENCH_OUT: directory for results.* (default bench/).
 *
 * The package is used compiled (dist/): build first (`npm run build`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startBenchEmulator, type BenchEmulator } from "./benchEmulator";
import { BENCH_CREDENTIALS } from "./fleetApps";
import { callsPerApp, largePreview, type CallsPerApp, type LargePreview } from "./engineRuns";
import {
  checkFleetTenant,
  fleetRun,
  fleetSeries,
  injectRandomWriteThrottling,
  type FleetRun,
  type FleetTenantCheck,
} from "./fleetScenarios";
import { renderResults, type BenchResults } from "./resultsReport";
import { schemaCosts } from "./schemaRuns";

const QUICK = process.env.BENCH_QUICK === "1";
const SECTIONS = new Set(
  (process.env.BENCH_SECTIONS ?? "calls,fleet,preview,throttled,budget,schema")
    .split(",")
    .map((s) => s.trim()),
);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
// Sub-second runs on a shared 2-core machine are noisy: every fleet figure is the median of several
// fresh-process runs, with the spread reported next to it.
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 5));
const FLEET_MODES = ["providers", "axios", "writes"] as const;
const OUT_DIR = path.resolve(process.env.BENCH_OUT ?? __dirname);

/** Scale of each section (full / quick). */
const SCALE = {
  fleetSizes: QUICK ? [20, 50] : [100, 500],
  latencies: [0, 30],
  previewApps: QUICK ? 25 : 125,
  throttled: { count: QUICK ? 30 : 50, probability: 0.05, retryAfterMs: 100 },
  budget: QUICK
    ? { count: 100, capacity: 50, refillPerSecond: 100 }
    : { count: 500, capacity: 250, refillPerSecond: 100 },
};

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function withEmulator<T>(latencyMs: number, body: (e: BenchEmulator) => Promise<T>): Promise<T> {
  const emulator = await startBenchEmulator(latencyMs);
  try {
    return await body(emulator);
  } finally {
    await emulator.stop();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    machine: { node: process.version, cpus: require("node:os").cpus().length },
    concurrency: CONCURRENCY,
    repeats: REPEATS,
    calls: [],
    fleets: [],
    throttled: undefined,
    budget: [],
    preview: undefined,
    secretScan: undefined,
    totalSeconds: 0,
  };
  const texts: string[] = [];

  await withEmulator(0, async (emulator) => {
    if (SECTIONS.has("calls")) {
      for (const variant of [
        { jobTemplateId: true, permanentDelete: false },
        { jobTemplateId: false, permanentDelete: false },
        { jobTemplateId: true, permanentDelete: true },
      ]) {
        log(`calls per app ${JSON.stringify(variant)}`);
        const c: CallsPerApp = await callsPerApp(emulator, variant);
        texts.push(...c.texts);
        results.calls.push({ ...c, texts: [] });
      }
    }
    if (SECTIONS.has("schema")) {
      log("ProvisioningSchema operations and schema export");
      const c = await schemaCosts(emulator);
      texts.push(...c.texts);
      results.schema = c.operations;
    }
    if (SECTIONS.has("preview")) {
      log(`preview of ${SCALE.previewApps * 4} resources through the engine harness`);
      const p: LargePreview = await largePreview(emulator, SCALE.previewApps);
      results.preview = p;
    }
  });

  if (SECTIONS.has("fleet")) {
    for (const latencyMs of SCALE.latencies) {
      await withEmulator(latencyMs, async (emulator) => {
        for (const count of SCALE.fleetSizes) {
          const runs: Record<(typeof FLEET_MODES)[number], FleetRun[]> = {
            providers: [],
            axios: [],
            writes: [],
          };
          for (let round = 0; round < REPEATS; round++) {
            // Rotate the order each round, so that no mode always runs first (or after another).
            const order = FLEET_MODES.map((_, i) => FLEET_MODES[(i + round) % FLEET_MODES.length]);
            for (const mode of order) {
              log(`fleet ${mode} N=${count} latency=${latencyMs} ms (run ${round + 1} of ${REPEATS})`);
              const prefix = `fleet-${mode}`;
              const { run, state } = await fleetRun(emulator, latencyMs, {
                mode,
                count,
                concurrency: CONCURRENCY,
                prefix,
              });
              const check = checkFleetTenant(state, prefix, count);
              if (!check.ok)
                throw new Error(`fleet ${mode} N=${count}: tenant check failed ${JSON.stringify(check)}`);
              runs[mode].push(run);
              texts.push(JSON.stringify(run));
            }
          }
          const providers = fleetSeries(runs.providers);
          const axios = fleetSeries(runs.axios);
          const writes = fleetSeries(runs.writes);
          const roundRatios = runs.providers.map((p, i) => p.wallMs / runs.axios[i].wallMs);
          results.fleets.push({
            count,
            latencyMs,
            providers,
            axios,
            writes,
            overheadRatio: providers.medianMs / axios.medianMs,
            overheadRatioRange: [Math.min(...roundRatios), Math.max(...roundRatios)],
            floorRatio: providers.medianMs / writes.medianMs,
          });
        }
      });
    }
  }

  if (SECTIONS.has("throttled")) {
    await withEmulator(0, async (emulator) => {
      const { count, probability, retryAfterMs } = SCALE.throttled;
      log(
        `throttled fleet N=${count} (429 on ${probability * 100} % of writes, retry after ${retryAfterMs} ms)`,
      );
      const calm: FleetRun[] = [];
      const throttled: FleetRun[] = [];
      const tenants: FleetTenantCheck[] = [];
      for (let round = 0; round < REPEATS; round++) {
        const base = await fleetRun(emulator, 0, {
          mode: "providers",
          count,
          concurrency: CONCURRENCY,
          prefix: "calm",
        });
        const hit = await fleetRun(
          emulator,
          0,
          { mode: "providers", count, concurrency: CONCURRENCY, prefix: "throttled" },
          () => injectRandomWriteThrottling(emulator, probability, retryAfterMs),
        );
        calm.push(base.run);
        throttled.push(hit.run);
        tenants.push(checkFleetTenant(hit.state, "throttled", count));
        texts.push(JSON.stringify(hit.run));
      }
      const unthrottledSeries = fleetSeries(calm);
      const throttledSeries = fleetSeries(throttled);
      // The tenant check must hold on every run; report the first failing one, else the last.
      const tenant = tenants.find((t) => !t.ok) ?? tenants[tenants.length - 1];
      results.throttled = {
        probability,
        retryAfterMs,
        unthrottled: unthrottledSeries,
        throttled: throttledSeries,
        tenant,
        allTenantsOk: tenants.every((t) => t.ok),
        slowdown: throttledSeries.medianMs / unthrottledSeries.medianMs,
      };
    });
  }

  if (SECTIONS.has("budget")) {
    for (const latencyMs of [0, 30]) {
      await withEmulator(latencyMs, async (emulator) => {
        const { count, capacity, refillPerSecond } = SCALE.budget;
        const writes = 5 * count;
        const floorMs = ((writes - capacity) / refillPerSecond) * 1000;
        log(
          `write budget N=${count} W=${writes} C=${capacity} R=${refillPerSecond}/s latency=${latencyMs} ms (floor ${floorMs / 1000} s)`,
        );
        const { run, state } = await fleetRun(
          emulator,
          latencyMs,
          { mode: "providers", count, concurrency: CONCURRENCY, prefix: "budget" },
          async () => {
            await emulator.control.configure({
              graphLimits: { writeCapacity: capacity, writeRefillPerSecond: refillPerSecond },
            });
          },
        );
        texts.push(JSON.stringify(run));
        results.budget.push({
          latencyMs,
          count,
          writes,
          capacity,
          refillPerSecond,
          floorMs,
          run,
          tenant: checkFleetTenant(state, "budget", count),
          floorRatio: run.wallMs / floorMs,
          throttledShare: run.throttled / run.graphRequests,
        });
      });
    }
  }

  // Everything the runs wrote or printed (state files, host output, results) must hold no secret.
  const secrets = Object.values(BENCH_CREDENTIALS);
  const corpus = texts.join("\n") + JSON.stringify(results);
  results.secretScan = {
    textsScanned: texts.length,
    bytesScanned: Buffer.byteLength(corpus),
    leaks: secrets.filter((s) => corpus.includes(s)).length,
  };
  results.totalSeconds = Math.round((Date.now() - started) / 1000);

  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const md = renderResults(results);
  fs.writeFileSync(path.join(OUT_DIR, "results.md"), md);
  process.stdout.write(md);
  log(`done in ${results.totalSeconds} s; wrote ${path.join(OUT_DIR, "results.json")} and results.md`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
