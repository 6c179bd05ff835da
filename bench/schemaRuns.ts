/**
 * Graph calls and wall time per ProvisioningSchema operation through the engine harness (preview,
 * an up that changes the schema, a no-change preview and up, a second change, refresh) and of
 * `graph-provisioning schema export`, against a SCIM job of the emulator (design.md §8: a change
 * costs one GET and one PUT plus at most one parseExpression per new or changed expression; preview
 * and a no-change up cost 0; refresh 1 GET).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RequestLogEntry } from "../emulator/server";
import type { RunResult } from "../testing/programRunner";
import { type BenchEmulator, graphRequests, REPO_ROOT } from "./benchEmulator";
import { newStack } from "./engineRuns";

const pkg = require("pulumi-graph-provisioning") as typeof import("../provider");

const NON_GALLERY_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621";
const CLI = path.join(REPO_ROOT, "dist", "cli", "main.js");

/** One operation's cost. */
export interface SchemaOperationCost {
  operation: string;
  /** Graph requests (token requests excluded). */
  calls: number;
  /** The requests, e.g. `GET schema, POST parseExpression, PUT schema`. */
  requests: string[];
  /** Wall time of the whole operation (engine run or CLI process), milliseconds. */
  ms: number;
}

/** `GET …/jobs/{id}/schema` → `GET schema`; `POST …/schema/parseExpression` → `POST parseExpression`. */
function describeRequest(e: RequestLogEntry): string {
  const tail = e.path.split("?")[0].split("/").filter(Boolean);
  const last = tail[tail.length - 1] ?? "";
  const name =
    last === "schema"
      ? "schema"
      : tail.includes("schema")
        ? last
        : tail[tail.length - 2] === "jobs"
          ? "job"
          : last;
  return `${e.method} ${name}`;
}

function runCli(emulator: BenchEmulator, args: string[]): Promise<string> {
  const info = emulator.info;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH,
        AZURE_TENANT_ID: info.tenantId,
        AZURE_CLIENT_ID: info.clientId,
        AZURE_CLIENT_SECRET: info.clientSecret,
        AZURE_AUTHORITY_HOST: info.authorityHost,
        GRAPH_PROVISIONING_ENDPOINT: info.graphEndpoint,
        GRAPH_PROVISIONING_CA_FILE: info.caFile,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`CLI exit ${code}: ${stderr}`)),
    );
  });
}

/**
 * Makes a SCIM app and job (GalleryApp + ProvisioningJob, not measured), then measures a stack that
 * holds one ProvisioningSchema of that job through preview → up → preview → up → up (changed) →
 * refresh, and `schema export`.
 */
export async function schemaCosts(
  emulator: BenchEmulator,
): Promise<{ operations: SchemaOperationCost[]; texts: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-schema-"));
  const texts: string[] = [];
  try {
    const base = newStack(emulator, dir, "schema-job", () => {
      const app = new pkg.GalleryApp("app", {
        displayName: "Bench schema",
        templateId: NON_GALLERY_TEMPLATE_ID,
      });
      const job = new pkg.ProvisioningJob("job", {
        servicePrincipalId: app.servicePrincipalId,
        templateId: "scim",
      });
      return { servicePrincipalId: app.servicePrincipalId, jobId: job.jobId };
    });
    const made = await base.up();
    if (!made.ok) throw new Error(`setup failed: ${made.errors.map((e) => e.message).join("; ")}`);
    const servicePrincipalId = made.outputs.servicePrincipalId as string;
    const jobId = made.outputs.jobId as string;

    let title = 'Join(" - ", [jobTitle], [department])';
    const schemaStack = newStack(emulator, dir, "schema", () => {
      new pkg.ProvisioningSchema("mappings", {
        servicePrincipalId,
        jobId,
        objectMappings: [
          {
            sourceObjectName: "User",
            attributeMappings: { title, 'phoneNumbers[type eq "mobile"].value': null },
            scope: [[{ attribute: "department", operator: "EQUALS", values: ["Sales"] }]],
          },
        ],
      });
    });

    const operations: SchemaOperationCost[] = [];
    const measure = async (operation: string, run: () => Promise<unknown>) => {
      await emulator.control.clearRequestLog();
      const started = performance.now();
      const result = await run();
      const ms = performance.now() - started;
      if (result && typeof result === "object" && "ok" in result) {
        const r = result as RunResult;
        texts.push(r.hostOutput, JSON.stringify(r));
        if (!r.ok) throw new Error(`${operation} failed: ${r.errors.map((e) => e.message).join("; ")}`);
      } else texts.push(String(result));
      const graph = graphRequests(await emulator.control.requestLog());
      operations.push({ operation, calls: graph.length, requests: graph.map(describeRequest), ms });
    };
    await measure("preview (create)", () => schemaStack.preview());
    await measure("up: a mapping changed, one removed, a scope added", () => schemaStack.up());
    await measure("preview, no change", () => schemaStack.preview());
    await measure("up, no change", () => schemaStack.up());
    title = "[department]";
    await measure("up: one expression changed", () => schemaStack.up());
    await measure("refresh", () => schemaStack.refresh());
    await measure("graph-provisioning schema export", () =>
      runCli(emulator, ["schema", "export", servicePrincipalId, jobId, "--json"]),
    );
    const state = path.join(dir, "schema.json");
    if (fs.existsSync(state)) texts.push(fs.readFileSync(state, "utf8"));
    await schemaStack.destroy();
    await base.destroy();
    return { operations, texts };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
