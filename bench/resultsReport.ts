/** The shape of bench/results.json and its Markdown rendering (bench/results.md). */
import type { CallsPerApp, LargePreview } from "./engineRuns";
import type { FleetRun, FleetTenantCheck } from "./fleetScenarios";

/** Targets of design.md §8 (never loosened to pass). */
export const TARGETS = {
  upCallsWithJobTemplate: 8,
  upCallsWithoutJobTemplate: 9,
  noopCalls: 0,
  destroyCalls: 4,
  destroyCallsPermanent: 5,
  overheadRatio: 1.3,
  providerBytes: 2.5 * 1024,
  tokensPerRun: 1,
  budgetFloorRatio: 1.15,
  budgetThrottledShare: 0.02,
};

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  generatedAt: string;
  quick: boolean;
  machine: { node: string; cpus: number };
  concurrency: number;
  calls: CallsPerApp[];
  fleets: {
    count: number;
    latencyMs: number;
    providers: FleetRun;
    axios: FleetRun;
    writes: FleetRun;
    /** providers / axios wall time. */
    overheadRatio: number;
    /** providers / writes-only wall time. */
    floorRatio: number;
  }[];
  throttled?: {
    probability: number;
    retryAfterMs: number;
    unthrottled: FleetRun;
    throttled: FleetRun;
    tenant: FleetTenantCheck;
    slowdown: number;
  };
  budget: {
    latencyMs: number;
    count: number;
    writes: number;
    capacity: number;
    refillPerSecond: number;
    floorMs: number;
    run: FleetRun;
    tenant: FleetTenantCheck;
    floorRatio: number;
    throttledShare: number;
  }[];
  preview?: LargePreview;
  secretScan?: { textsScanned: number; bytesScanned: number; leaks: number };
  totalSeconds: number;
}

const mark = (ok: boolean) => (ok ? "✅" : "❌");
const fix = (n: number, d = 2) => n.toFixed(d);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The Markdown table (and notes) of bench/results.md. */
export function renderResults(r: BenchResults): string {
  const rows: string[][] = [];
  const row = (what: string, value: string, target: string, ok?: boolean) =>
    rows.push([what, value, target, ok === undefined ? "" : mark(ok)]);

  for (const c of r.calls) {
    const label = `${c.jobTemplateId ? "with" : "without"} jobTemplateId${c.permanentDelete ? ", permanentDelete" : ""}`;
    const upTarget = c.jobTemplateId ? TARGETS.upCallsWithJobTemplate : TARGETS.upCallsWithoutJobTemplate;
    if (!c.permanentDelete) {
      row(
        `Graph calls, AppProvisioning up (${label})`,
        `${c.up.total} (${c.up.writes} writes, ${c.up.reads} reads)`,
        `≤ ${upTarget}`,
        c.up.total <= upTarget,
      );
      row(
        `Graph calls, preview / no-op preview / no-op up (${label})`,
        `${c.preview.total} / ${c.noopPreview.total} / ${c.noopUp.total}`,
        "0",
        c.preview.total + c.noopPreview.total + c.noopUp.total === 0,
      );
    }
    const destroyTarget = c.permanentDelete ? TARGETS.destroyCallsPermanent : TARGETS.destroyCalls;
    row(
      `Graph calls, destroy (${label})`,
      String(c.destroy.total),
      `≤ ${destroyTarget}`,
      c.destroy.total <= destroyTarget,
    );
    if (!c.permanentDelete && c.jobTemplateId) {
      const bytes = Object.entries(c.providerBytes);
      const max = Math.max(...bytes.map(([, b]) => b));
      row(
        "Serialized `__provider` per resource",
        bytes.map(([t, b]) => `${t} ${b} B`).join(", "),
        "≤ 2.5 KB",
        max <= TARGETS.providerBytes,
      );
      const tokens = Math.max(c.up.tokens, c.destroy.tokens);
      row(
        "Token requests per engine run (up, destroy)",
        `${c.up.tokens}, ${c.destroy.tokens}`,
        "1 per credential",
        tokens <= TARGETS.tokensPerRun,
      );
    }
  }
  for (const f of r.fleets) {
    row(
      `Fleet N=${f.count}, latency ${f.latencyMs} ms: providers / plain axios (same 8 calls)`,
      `${sec(f.providers.wallMs)} / ${sec(f.axios.wallMs)} = **${fix(f.overheadRatio)}**`,
      `≤ ${TARGETS.overheadRatio}`,
      f.overheadRatio <= TARGETS.overheadRatio,
    );
    row(
      `Fleet N=${f.count}, latency ${f.latencyMs} ms: providers / 5-writes floor script`,
      `${sec(f.providers.wallMs)} / ${sec(f.writes.wallMs)} = ${fix(f.floorRatio)}`,
      "reported",
    );
    row(
      `Fleet N=${f.count}, latency ${f.latencyMs} ms: token requests (providers, axios)`,
      `${f.providers.tokenRequests}, ${f.axios.tokenRequests}`,
      "1 per run",
      f.providers.tokenRequests <= TARGETS.tokensPerRun,
    );
  }
  if (r.preview) {
    row(
      `Preview of ${r.preview.resources} resources through the engine harness`,
      `${sec(r.preview.previewMs)}, ${r.preview.graphCalls} Graph calls`,
      "0 calls",
      r.preview.graphCalls === 0,
    );
    row(
      "Peak RSS of the provider host during that preview",
      `${fix(r.preview.hostPeakRssMiB, 0)} MiB`,
      "reported",
    );
  }
  if (r.throttled) {
    const t = r.throttled;
    row(
      `Throttled fleet N=${t.tenant.expected} (429 on ${t.probability * 100} % of writes, Retry-After ${t.retryAfterMs} ms)`,
      `${t.tenant.liveApplications} apps, ${t.tenant.duplicateNames.length} duplicates, ${t.tenant.jobs} jobs; ${t.throttled.throttled} × 429`,
      "apps = N, no duplicate",
      t.tenant.ok,
    );
    row(
      "Throttled fleet wall time vs unthrottled",
      `${sec(t.throttled.wallMs)} / ${sec(t.unthrottled.wallMs)} = ${fix(t.slowdown)}×`,
      "reported",
    );
  }
  for (const b of r.budget) {
    row(
      `Write budget N=${b.count}, W=${b.writes}, C=${b.capacity}, R=${b.refillPerSecond}/s, latency ${b.latencyMs} ms: wall / floor`,
      `${sec(b.run.wallMs)} / ${sec(b.floorMs)} = **${fix(b.floorRatio)}**`,
      `≤ ${TARGETS.budgetFloorRatio}`,
      b.floorRatio <= TARGETS.budgetFloorRatio && b.tenant.ok,
    );
    row(
      `Write budget, latency ${b.latencyMs} ms: requests answered 429`,
      `${b.run.throttled} of ${b.run.graphRequests} = ${fix(b.throttledShare * 100)} %`,
      "< 2 %",
      b.throttledShare < TARGETS.budgetThrottledShare,
    );
  }
  if (r.secretScan) {
    row(
      "Secret values found in state, host output and results",
      `${r.secretScan.leaks} (scanned ${r.secretScan.textsScanned} texts, ${r.secretScan.bytesScanned} bytes)`,
      "0",
      r.secretScan.leaks === 0,
    );
  }
  const table = [
    "| measurement | result | target | |",
    "|---|---|---|---|",
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ].join("\n");
  return [
    "# Benchmark results",
    "",
    `Generated ${r.generatedAt} by \`npm run bench\`${r.quick ? " (BENCH_QUICK=1: small N)" : ""} on Node ${r.machine.node}, ${r.machine.cpus} CPUs; ` +
      `fleet concurrency ${r.concurrency}; the emulator runs as a separate process; whole run ${r.totalSeconds} s.`,
    "",
    table,
    "",
    "Fleets: each run is a fresh Node process (like a fresh provider host) creating N AWS gallery apps through",
    "check + create of GalleryApp → ProvisioningJob → ProvisioningSecrets → JobStart (the compiled runtime",
    "providers), or through a plain-axios script making the same 8 calls per app, or only the 5 writes;",
    "wall time includes the token request.",
    "",
  ].join("\n");
}
