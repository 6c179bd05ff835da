/**
 * `graph-provisioning provision <spId> <jobId> --user <id> | --group <id>`: provision users or groups
 * now and print Graph's steps for each.
 */
import { provisionOnDemandWith } from "../provider/actions/provisionOnDemand";
import type {
  ProvisionOnDemandResult,
  ProvisionOnDemandSubject,
} from "../provider/actions/provisionOnDemand";
import type { ProvisionOnDemandSubjectResult } from "../provider/actions/provisionOnDemandResult";
import type { CliContext, CommonFlags } from "./cliContext";
import { CommandFailure, UsageError } from "./cliErrors";
import { formatTable } from "./formatTable";
import { checkIdArguments } from "./statusCommand";

/** Flags of `provision`. */
export interface ProvisionFlags extends CommonFlags {
  /** User object ids (repeatable). */
  user?: string[];
  /** Group object ids (repeatable). */
  group?: string[];
  /** The synchronization rule; default: the job's rule that supports provision on demand. */
  rule?: string;
}

/** The subjects named by `--user` / `--group`, in that order; a UsageError when there are none. */
export function subjectsFromFlags(flags: ProvisionFlags): ProvisionOnDemandSubject[] {
  const subjects = [
    ...(flags.user ?? []).map((objectId) => ({ objectId, objectTypeName: "User" })),
    ...(flags.group ?? []).map((objectId) => ({ objectId, objectTypeName: "Group" })),
  ];
  if (subjects.length === 0) throw new UsageError("give at least one --user <id> or --group <id>");
  for (const s of subjects) {
    if (!s.objectId.trim() || s.objectId.includes("/")) {
      throw new UsageError(
        `--${s.objectTypeName.toLowerCase()} must be an object id, got ${JSON.stringify(s.objectId)}`,
      );
    }
  }
  if (flags.rule !== undefined && !flags.rule.trim())
    throw new UsageError("--rule must be a rule id, got an empty string");
  return subjects;
}

/** Step details worth a line: short values only (Graph lists every attribute of the object). */
function detailLines(details: Record<string, string>): string[] {
  return Object.entries(details)
    .filter(([, v]) => v !== "" && v.length <= 120)
    .map(([k, v]) => `      ${k}: ${v}`);
}

/** One subject's report: outcome, steps with their descriptions, modified properties. */
export function formatSubjectResult(result: ProvisionOnDemandSubjectResult): string {
  const reason = result.errorCode
    ? ` (${result.errorCode}${result.errorMessage ? `: ${result.errorMessage}` : ""})`
    : "";
  const lines = [`${result.objectTypeName} ${result.objectId}: ${result.result}${reason}`];
  if (result.action) lines.push(`  action: ${result.action}`);
  if (result.targetIdentity?.id) lines.push(`  target id: ${result.targetIdentity.id}`);
  result.steps.forEach((step, i) => {
    const kind = step.type ? ` (${step.type})` : "";
    lines.push(
      `  ${i + 1}. ${step.name}${kind}: ${step.status}${step.description ? ` - ${step.description}` : ""}`,
    );
    lines.push(...detailLines(step.details));
  });
  if (result.modifiedProperties.length > 0) {
    lines.push("  modified properties:");
    const table = formatTable(
      ["PROPERTY", "OLD", "NEW"],
      result.modifiedProperties.map((p) => [p.displayName, p.oldValue, p.newValue]),
    );
    lines.push(
      ...table
        .trimEnd()
        .split("\n")
        .map((line) => `    ${line}`),
    );
  }
  return lines.join("\n") + "\n";
}

/** The whole report: the rule, then each subject. */
export function formatProvisionResult(result: ProvisionOnDemandResult): string {
  return [`Rule ${result.ruleId}`, ...result.subjects.map(formatSubjectResult)].join("\n");
}

/**
 * Provisions the subjects (one request each, 5 per 10 s) and prints the results. Exits 1 (after
 * printing) when a subject failed; skipped subjects (e.g. already in sync, out of scope) are not failures.
 */
export async function runProvision(
  ctx: CliContext,
  spId: string,
  jobId: string,
  flags: ProvisionFlags,
): Promise<void> {
  checkIdArguments(spId, jobId);
  const subjects = subjectsFromFlags(flags);
  const { api, limiterKey } = await ctx.connect(flags);
  const result = await provisionOnDemandWith(
    api,
    {
      servicePrincipalId: spId,
      jobId,
      subjects,
      ...(flags.rule !== undefined ? { ruleId: flags.rule } : {}),
    },
    { limiter: ctx.provisionRateLimiter, limiterKey },
  );
  ctx.stdout(flags.json ? JSON.stringify(result, null, 2) + "\n" : formatProvisionResult(result));
  const failed = result.subjects.filter((s) => s.result === "Failure");
  if (failed.length > 0) {
    throw new CommandFailure(
      `provisioning failed for ${failed.map((s) => `${s.objectTypeName} ${s.objectId}`).join(", ")}`,
    );
  }
}
