/**
 * Reads the answer of `POST …/jobs/{jobId}/provisionOnDemand` (one stringKeyStringValuePair whose
 * key and value are JSON strings) into a typed result. Graph documents two shapes (graph-schema.md §5):
 * - `key` = `{"result":"Skipped"|"Success"|…,"details":{"errorCode","errorMessage"}}` and `value` = one
 *   provisioning log object (`action`, `provisioningSteps`, `modifiedProperties`, `statusInfo`, …);
 * - `key` = `"Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo"` and `value` =
 *   a JSON array of log objects (each with `provisioningSteps`), or of steps.
 */

/** The outcome of provisioning one subject. */
export type ProvisionOnDemandOutcome = "Success" | "Skipped" | "Failure";

/** One step Graph reports (import, matching, scoping, export, …). */
export interface ProvisionOnDemandStep {
  /** e.g. `EntryImport`, `EntrySynchronizationScoping`, `EntryExportAdd`. */
  name: string;
  /** e.g. `Import`, `Matching`, `Scoping`, `Export`. */
  type: string | null;
  /** `Success`, `Skipped`, `Failure`, `Warning`, … as Graph sent it. */
  status: string;
  description: string | null;
  timestamp: string | null;
  /** Graph's details of the step (attribute values, skip reasons), as strings. */
  details: Record<string, string>;
}

/** A property the export changed (or would change) in the target system. */
export interface ProvisionOnDemandModifiedProperty {
  displayName: string | null;
  oldValue: string | null;
  newValue: string | null;
}

/** What Graph reported for one subject. */
export interface ProvisionOnDemandSubjectResult {
  /** The subject's object id, as requested. */
  objectId: string;
  /** The subject's type, as requested (`User`, `Group`). */
  objectTypeName: string;
  result: ProvisionOnDemandOutcome;
  /** Graph's error or skip code (`RedundantExport`, …), when it gave one. */
  errorCode: string | null;
  errorMessage: string | null;
  /** The provisioning action (`Create`, `Update`, `Other`, …), when reported. */
  action: string | null;
  steps: ProvisionOnDemandStep[];
  modifiedProperties: ProvisionOnDemandModifiedProperty[];
  /** Identity of the object in the target system (e.g. its SCIM id), when reported. */
  targetIdentity: { id: string | null; type: string | null; displayName: string | null } | null;
}

/** The key of Graph's second documented response shape. */
export const STATUS_INFO_KEY = "Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Graph's status words, normalised to the three outcomes (unknown words count as failures). */
function outcomeOf(status: unknown): ProvisionOnDemandOutcome | undefined {
  if (typeof status !== "string" || status === "") return undefined;
  const s = status.toLowerCase();
  if (s === "success" || s === "warning") return "Success";
  if (s === "skipped") return "Skipped";
  return "Failure";
}

function stepOf(raw: Json): ProvisionOnDemandStep {
  const details: Record<string, string> = {};
  if (isObject(raw.details)) {
    for (const [k, v] of Object.entries(raw.details)) details[k] = str(v) ?? "";
  }
  return {
    name: str(raw.name) ?? "",
    type: str(raw.type),
    status: str(raw.status) ?? "",
    description: str(raw.description),
    timestamp: str(raw.timestamp),
    details,
  };
}

function isStep(value: unknown): value is Json {
  return isObject(value) && typeof value.name === "string" && "status" in value;
}

/** The outcome the steps imply: any failure fails; else a skipped export skips; else success. */
function outcomeOfSteps(steps: ProvisionOnDemandStep[]): ProvisionOnDemandOutcome | undefined {
  if (steps.length === 0) return undefined;
  const outcomes = steps.map((s) => outcomeOf(s.status));
  if (outcomes.includes("Failure")) return "Failure";
  if (outcomes.includes("Skipped")) return "Skipped";
  return "Success";
}

function identityOf(value: unknown): ProvisionOnDemandSubjectResult["targetIdentity"] {
  if (!isObject(value)) return null;
  return { id: str(value.id), type: str(value.type), displayName: str(value.displayName) };
}

/** One subject's result from a provisioning log object (`provisioningSteps`, `statusInfo`, …). */
function fromLog(
  subject: { objectId: string; objectTypeName: string },
  log: Json,
  summary: Json | undefined,
): ProvisionOnDemandSubjectResult {
  const steps = Array.isArray(log.provisioningSteps)
    ? log.provisioningSteps.filter(isObject).map(stepOf)
    : [];
  const statusInfo = isObject(log.statusInfo) ? log.statusInfo : {};
  const summaryDetails = summary && isObject(summary.details) ? summary.details : {};
  const result =
    outcomeOf(summary?.result) ??
    outcomeOf(statusInfo.status) ??
    outcomeOfSteps(steps) ??
    // Graph answered 200 but said nothing about the outcome: report it rather than guess success.
    "Failure";
  const modifiedProperties = Array.isArray(log.modifiedProperties)
    ? log.modifiedProperties.filter(isObject).map((p) => ({
        displayName: str(p.displayName),
        oldValue: str(p.oldValue),
        newValue: str(p.newValue),
      }))
    : [];
  return {
    objectId: subject.objectId,
    objectTypeName: subject.objectTypeName,
    result,
    errorCode: str(summaryDetails.errorCode) ?? str(statusInfo.errorCode),
    errorMessage: str(summaryDetails.errorMessage) ?? str(statusInfo.reason),
    action: str(log.action),
    steps,
    modifiedProperties,
    targetIdentity: identityOf(log.targetIdentity),
  };
}

/**
 * The per-subject results of one provisionOnDemand answer for `subject` (the one subject sent).
 * Throws when the answer is in neither documented shape, quoting what came back (it holds no secret:
 * attribute values of the subject at most).
 */
export function parseProvisionOnDemandResponse(
  subject: { objectId: string; objectTypeName: string },
  pairs: readonly { key: string | null; value: string | null }[],
): ProvisionOnDemandSubjectResult {
  const pair = pairs[0];
  if (!pair) throw new Error("provisionOnDemand answered without a result (no key/value pair)");
  const key = parseJson(pair.key);
  const value = parseJson(pair.value);
  // Shape 1: the key is the summary, the value the log of the subject.
  if (isObject(key) && "result" in key) {
    const log = isObject(value) ? value : Array.isArray(value) && isObject(value[0]) ? value[0] : {};
    return fromLog(subject, log, key);
  }
  // Shape 2: a StatusInfo key and a list of logs (or of steps).
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isStep)) {
      return fromLog(subject, { provisioningSteps: value }, undefined);
    }
    const log = value.find(isObject);
    if (log) return fromLog(subject, log, undefined);
  }
  if (isObject(value) && Array.isArray(value.provisioningSteps)) return fromLog(subject, value, undefined);
  const shown = `${pair.key ?? "null"} / ${pair.value ?? "null"}`;
  throw new Error(
    `provisionOnDemand answered in an unknown shape (key/value: ${shown.length > 300 ? shown.slice(0, 300) + "…" : shown})`,
  );
}
