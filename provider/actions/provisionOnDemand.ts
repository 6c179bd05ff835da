/**
 * Provision on demand (design.md §3, an action, not a resource): provision chosen users or groups now
 * instead of waiting for the next cycle, and report Graph's steps per subject.
 */
import type { ConnectionInput } from "../graph/connection";
import type { GraphApi, SynchronizationRule, SynchronizationSchema } from "../graph/types";
import { connectToGraph, limiterKeyOf } from "../monitoring/monitoringConnection";
import type { SlidingWindowRateLimiter } from "../monitoring/slidingWindowRateLimiter";
import { provisionOnDemandRateLimiter } from "../monitoring/slidingWindowRateLimiter";
import { parseProvisionOnDemandResponse } from "./provisionOnDemandResult";
import type { ProvisionOnDemandSubjectResult } from "./provisionOnDemandResult";

/** One user or group to provision. */
export interface ProvisionOnDemandSubject {
  /** Object id of the user or group in the source directory. */
  objectId: string;
  /** `User` or `Group` (Graph also documents `user` for an AD distinguished name, and `Worker`). */
  objectTypeName: string;
  /** For a group: up to 5 members to provision with it, `{members: [{objectId, objectTypeName}]}`. */
  links?: Record<string, unknown>;
}

/** Arguments of {@link provisionOnDemand}. */
export interface ProvisionOnDemandArgs {
  servicePrincipalId: string;
  jobId: string;
  /** The users and groups to provision; each is one request (Graph's limit: 5 per 10 s). */
  subjects: ProvisionOnDemandSubject[];
  /**
   * The synchronization rule to run. Defaults to the job's one rule that supports provision on
   * demand from Azure Active Directory (read from the job's schema: one extra GET).
   */
  ruleId?: string;
  /** Connection settings; missing fields come from stack config, then the environment (design.md §4). */
  connection?: ConnectionInput;
}

/** What {@link provisionOnDemand} returns. */
export interface ProvisionOnDemandResult {
  servicePrincipalId: string;
  jobId: string;
  /** The rule that ran (given, or chosen from the job's schema). */
  ruleId: string;
  /** One result per subject, in the order given. */
  subjects: ProvisionOnDemandSubjectResult[];
}

/** Options of {@link provisionOnDemandWith}. */
export interface ProvisionOnDemandOptions {
  /** Gates every POST. Defaults to the process-wide 5-per-10-s limiter. */
  limiter?: SlidingWindowRateLimiter;
  /** Limiter key: one app in one tenant (as the logs limiter's). Defaults to `"default"`. */
  limiterKey?: string;
}

/** The source directory of rules that provision from Entra ID (its name in the schema). */
export const ENTRA_SOURCE_DIRECTORY = "Azure Active Directory";

function metadataValue(rule: SynchronizationRule, key: string): string | undefined {
  const entry = (rule.metadata ?? []).find((m) => m.key?.toLowerCase() === key.toLowerCase());
  return entry?.value ?? undefined;
}

function describeRule(rule: SynchronizationRule): string {
  const from = `${rule.sourceDirectoryName ?? "?"} → ${rule.targetDirectoryName ?? "?"}`;
  return `${rule.id ?? "(no id)"} (${rule.name ?? "unnamed"}, ${from})`;
}

/**
 * The rule provision on demand should run for subjects of type `objectTypeName`: among the rules
 * that say `supportsProvisionOnDemand` (or, when no rule carries that metadata, all rules), those
 * reading from Azure Active Directory, then those mapping that object type. Throws naming every
 * candidate rule when none or several remain.
 */
export function chooseProvisionOnDemandRule(schema: SynchronizationSchema, objectTypeName: string): string {
  const rules = (schema.synchronizationRules ?? []).filter((r) => typeof r.id === "string" && r.id !== "");
  const flagged = rules.filter((r) => metadataValue(r, "supportsProvisionOnDemand") !== undefined);
  let candidates = flagged.length
    ? flagged.filter((r) => metadataValue(r, "supportsProvisionOnDemand")?.toLowerCase() === "true")
    : rules;
  const narrow = (keep: (r: SynchronizationRule) => boolean) => {
    const kept = candidates.filter(keep);
    if (kept.length > 0) candidates = kept;
  };
  narrow((r) => r.sourceDirectoryName === ENTRA_SOURCE_DIRECTORY);
  narrow((r) =>
    (r.objectMappings ?? []).some((m) => m.sourceObjectName?.toLowerCase() === objectTypeName.toLowerCase()),
  );
  if (candidates.length === 1) return candidates[0].id as string;
  const listed = rules.map(describeRule).join("; ") || "none";
  if (candidates.length === 0) {
    throw new Error(
      `the job's schema has no rule that supports provision on demand; pass ruleId (rules: ${listed})`,
    );
  }
  throw new Error(
    `the job's schema has ${candidates.length} rules that could provision on demand; pass ruleId, one of: ` +
      candidates.map(describeRule).join("; "),
  );
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new Error(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Validates {@link ProvisionOnDemandArgs}; throws naming the bad field and what is allowed. */
export function checkProvisionOnDemandArgs(args: ProvisionOnDemandArgs): void {
  if (typeof args !== "object" || args === null)
    throw new Error("provisionOnDemand needs an arguments object");
  nonEmpty(args.servicePrincipalId, "servicePrincipalId");
  nonEmpty(args.jobId, "jobId");
  if (args.ruleId !== undefined) nonEmpty(args.ruleId, "ruleId");
  if (!Array.isArray(args.subjects) || args.subjects.length === 0) {
    throw new Error(
      `subjects must be a non-empty array of {objectId, objectTypeName}, got ${JSON.stringify(args.subjects)}`,
    );
  }
  args.subjects.forEach((subject, i) => {
    if (typeof subject !== "object" || subject === null) {
      throw new Error(`subjects[${i}] must be an object {objectId, objectTypeName}`);
    }
    nonEmpty(subject.objectId, `subjects[${i}].objectId`);
    nonEmpty(subject.objectTypeName, `subjects[${i}].objectTypeName`);
    const members = (subject.links as { members?: unknown } | undefined)?.members;
    if (Array.isArray(members) && members.length > 5) {
      throw new Error(
        `subjects[${i}].links.members has ${members.length} members; Graph provisions at most 5 with a group`,
      );
    }
  });
}

/**
 * Provisions `args.subjects` through `api`: reads the job's schema for the rule when `ruleId` is not
 * given, then one POST per subject, each after a slot of the limiter. A failed POST is not repeated
 * (it may have been applied): the error says which subject it was for.
 */
export async function provisionOnDemandWith(
  api: GraphApi,
  args: ProvisionOnDemandArgs,
  options: ProvisionOnDemandOptions = {},
): Promise<ProvisionOnDemandResult> {
  checkProvisionOnDemandArgs(args);
  const { servicePrincipalId, jobId } = args;
  const ruleId =
    args.ruleId ??
    chooseProvisionOnDemandRule(
      await api.getSynchronizationSchema(servicePrincipalId, { jobId }),
      args.subjects[0].objectTypeName,
    );
  const limiter = options.limiter ?? provisionOnDemandRateLimiter;
  const key = options.limiterKey ?? "default";
  const subjects: ProvisionOnDemandSubjectResult[] = [];
  for (const subject of args.subjects) {
    await limiter.acquire(key);
    const sent = {
      objectId: subject.objectId,
      objectTypeName: subject.objectTypeName,
      ...(subject.links ? { links: subject.links } : {}),
    };
    let pairs;
    try {
      pairs = await api.provisionOnDemand(servicePrincipalId, jobId, [{ ruleId, subjects: [sent] }]);
    } catch (error) {
      if (error instanceof Error) {
        error.message = `provision on demand of ${subject.objectTypeName} ${subject.objectId}: ${error.message}`;
      }
      throw error;
    }
    subjects.push(parseProvisionOnDemandResponse(subject, pairs));
  }
  return { servicePrincipalId, jobId, ruleId, subjects };
}

/**
 * Provisions users or groups now (`POST …/jobs/{jobId}/provisionOnDemand`) and returns Graph's steps
 * per subject:
 * `await provisionOnDemand({ servicePrincipalId, jobId, subjects: [{ objectId, objectTypeName: "User" }] })`.
 *
 * Requests share a process-wide limiter of 5 per 10 s per app and tenant (Graph's limit for this
 * endpoint). Needs `Synchronization.ReadWrite.All` (or `Application.ReadWrite.OwnedBy` on an owned
 * app). A subject Graph skipped or failed is a result, not an error; errors are bad arguments,
 * connection and Graph failures.
 */
export async function provisionOnDemand(args: ProvisionOnDemandArgs): Promise<ProvisionOnDemandResult> {
  // Validate before connecting, so bad input fails without any credential lookup.
  checkProvisionOnDemandArgs(args);
  const { api, connection } = await connectToGraph(args.connection);
  return provisionOnDemandWith(api, args, { limiterKey: limiterKeyOf(connection) });
}
