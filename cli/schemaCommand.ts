/**
 * `graph-provisioning schema show|export <spId> <jobId>`: a job's synchronization schema as a table,
 * and its differences from the template's default as ProvisioningSchema inputs (code).
 */
import type { SynchronizationSchema } from "../provider/graph/types";
import { describeScope, schemaDifferences } from "../provider/schema/schemaExport";
import type { SchemaDifferences } from "../provider/schema/schemaExport";
import type { CliContext, CommonFlags } from "./cliContext";
import { formatTable } from "./formatTable";
import { checkIdArguments } from "./statusCommand";

/** One row of `schema show`: an object mapping of a rule. */
export function schemaRows(schema: SynchronizationSchema): (string | number)[][] {
  return (schema.synchronizationRules ?? []).flatMap((rule) =>
    (rule.objectMappings ?? []).map((m) => [
      `${rule.name ?? "-"} (${rule.id})`,
      `${rule.sourceDirectoryName ?? "?"} → ${rule.targetDirectoryName ?? "?"}`,
      `${m.sourceObjectName} → ${m.targetObjectName}`,
      m.enabled ? "yes" : "no",
      describeScope(m.scope),
      (m.attributeMappings ?? []).length,
    ]),
  );
}

/** Prints the job's rules and object mappings (`--json`: the whole schema as Graph returned it). */
export async function runSchemaShow(
  ctx: CliContext,
  spId: string,
  jobId: string,
  flags: CommonFlags,
): Promise<void> {
  checkIdArguments(spId, jobId);
  const { api } = await ctx.connect(flags);
  const schema = await api.getSynchronizationSchema(spId, { jobId });
  if (flags.json) {
    ctx.stdout(JSON.stringify(schema, null, 2) + "\n");
    return;
  }
  ctx.stdout(`Schema ${schema.id ?? jobId}, version ${schema.version ?? "-"}\n\n`);
  ctx.stdout(
    formatTable(["RULE", "DIRECTORIES", "OBJECT", "ENABLED", "SCOPE", "MAPPINGS"], schemaRows(schema)),
  );
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `value` as a TypeScript literal: identifier keys unquoted, two-space indent, trailing commas. */
export function typeScriptLiteral(value: unknown, indent = ""): string {
  const inner = indent + "  ";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => typeof v === "string")) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
      if (flat.length <= 80) return flat;
    }
    return `[\n${value.map((v) => `${inner}${typeScriptLiteral(v, inner)},\n`).join("")}${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const key = (k: string) => (IDENTIFIER.test(k) ? k : JSON.stringify(k));
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${typeScriptLiteral(v, inner)},\n`).join("")}${indent}}`;
  }
  return JSON.stringify(value);
}

/** The export as a program fragment: a ProvisioningSchema declaring exactly the differences. */
export function formatSchemaExport(
  spId: string,
  jobId: string,
  templateId: string,
  version: string | null | undefined,
  differences: SchemaDifferences,
): string {
  const args: Record<string, unknown> = {
    servicePrincipalId: spId,
    jobId,
    objectMappings: differences.objectMappings,
  };
  if (differences.targetAttributes.length > 0) args.targetAttributes = differences.targetAttributes;
  const notes = differences.notExported.map((line) => `// NOT EXPORTED: ${line}\n`).join("");
  return (
    `// The differences between job ${jobId}'s schema (version ${version ?? "-"}) and the default of\n` +
    `// synchronization template ${templateId}, as \`graph-provisioning schema export\` read them.\n` +
    notes +
    `import { ProvisioningSchema } from "pulumi-graph-provisioning";\n\n` +
    `export const schema = new ProvisioningSchema("schema", ${typeScriptLiteral(args)});\n`
  );
}

/**
 * Prints the ProvisioningSchema inputs that reproduce every difference between the job's schema and
 * its template's default (3 GETs: the job, its schema, the template's schema). `--json`: the inputs
 * as JSON; differences that cannot be expressed go to stderr (TypeScript: as comments too).
 */
export async function runSchemaExport(
  ctx: CliContext,
  spId: string,
  jobId: string,
  flags: CommonFlags,
): Promise<void> {
  checkIdArguments(spId, jobId);
  const { api } = await ctx.connect(flags);
  const job = await api.getSynchronizationJob(spId, jobId);
  const [current, template] = await Promise.all([
    api.getSynchronizationSchema(spId, { jobId }),
    api.getSynchronizationSchema(spId, { templateId: job.templateId }),
  ]);
  const differences = schemaDifferences(current, template);
  for (const line of differences.notExported) ctx.stderr(`warning: not exported: ${line}\n`);
  if (flags.json) {
    const inputs = {
      servicePrincipalId: spId,
      jobId,
      objectMappings: differences.objectMappings,
      targetAttributes: differences.targetAttributes,
    };
    ctx.stdout(JSON.stringify(inputs, null, 2) + "\n");
    return;
  }
  ctx.stdout(formatSchemaExport(spId, jobId, job.templateId, current.version, differences));
}
