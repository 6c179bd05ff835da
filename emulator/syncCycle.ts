/**
 * Simulated synchronization cycles. Evaluated lazily from timestamps whenever a job, its logs or a state
 * snapshot is read — no timers — so the outcome is the same in any process sharing a state file.
 * start ⇒ NotRun; when a cycle ends (`cycleTimeMs` later) the job becomes Active and each assigned object
 * not yet evaluated (or changed since) goes through the job's schema — scoping filter, then attribute
 * mappings — and gets a provisioning-log entry; bad or missing saved credentials quarantine the job.
 */
import { randomUUID } from "crypto";
import { connectorProfile } from "./catalog";
import { credentialProblem } from "./credentialRules";
import { isoSeconds, NEVER, provisioningLogEntry, taskExecution } from "./graphObjects";
import { evaluateAssignment } from "./provisioningOutcome";
import { jobSchema } from "./schema/jobSchema";
import { changedMsOf } from "./tenantDirectory";
import type { JobRecord, ServicePrincipalRecord, TenantState } from "./store";

/** How long a quarantined job waits before its next attempt (reported only; the emulator does not retry). */
const QUARANTINE_RETRY_MS = 24 * 3600 * 1000;

/** Runs every cycle of `record` that has ended by `nowMs`. Returns true if anything changed. */
export function advanceJob(
  tenant: TenantState,
  sp: ServicePrincipalRecord,
  record: JobRecord,
  nowMs: number,
  cycleTimeMs: number,
): boolean {
  const job = record.job;
  if (record.nextCycleMs === null || nowMs < record.nextCycleMs || job.schedule.state !== "Active")
    return false;
  const cycle = Math.max(1, cycleTimeMs);
  const endMs = record.nextCycleMs;
  const beganMs = endMs - cycle;
  const status = job.status;
  record.cycleCount++;

  const profile = connectorProfile(record.factoryTag);
  const problem = credentialProblem(profile, sp.secrets);
  if (problem) {
    const error = { code: "CredentialValidationFailed", message: problem, tenantActionable: true };
    const previous = status.quarantine;
    status.code = "Quarantine";
    status.quarantine = {
      currentBegan: new Date(endMs).toISOString(),
      nextAttempt: new Date(endMs + QUARANTINE_RETRY_MS).toISOString(),
      reason: "EncounteredQuarantineException",
      seriesBegan: previous?.seriesBegan ?? new Date(endMs).toISOString(),
      seriesCount: (previous?.seriesCount ?? 0) + 1,
      error,
    };
    status.lastExecution = taskExecution("Failed", beganMs, endMs, { entitled: 0, exported: 0 }, error);
    status.countSuccessiveCompleteFailures++;
    record.nextCycleMs = null;
    return true;
  }

  const cycleId = randomUUID();
  const spJson = sp.resource as { id: string; displayName: string; appId: string };
  // An initial cycle (first run, after a schema change or a Watermark/Full restart) re-evaluates every
  // assigned object; later ones only new assignments and objects changed since they were last evaluated.
  const initialCycle = record.initialCyclePending === true || status.lastSuccessfulExecution === null;
  if (record.initialCyclePending) for (const a of sp.assignments) a.provisionedAt = null;
  record.initialCyclePending = false;
  const schema = jobSchema(record);
  const pending = sp.assignments.filter(
    (a) => a.provisionedAt === null || changedMsOf(tenant, a) > Date.parse(a.provisionedAt),
  );
  let exported = 0;
  let failures = 0;
  for (const object of pending) {
    const { outcome, commit } = evaluateAssignment(tenant, sp, schema, object, {
      nowMs: endMs,
      initialCycle,
      targetSystem: profile.targetSystem,
    });
    tenant.provisioningLogs.push(
      provisioningLogEntry(
        {
          tenantId: tenant.tenantId,
          jobId: job.id,
          cycleId,
          servicePrincipal: { id: spJson.id, displayName: spJson.displayName, appId: spJson.appId },
          targetSystem: profile.targetSystem,
          initiator: "system",
          initiatorId: null,
        },
        object,
        endMs,
        outcome,
      ),
    );
    commit();
    // Failed objects are marked too: the emulator does not retry escrows, so each logs exactly once.
    object.provisionedAt = new Date(endMs).toISOString();
    if (outcome.status === "failure") failures++;
    else if (outcome.status === "success") exported++;
  }
  const execution = taskExecution(
    failures > 0 ? "EntryLevelErrors" : "Succeeded",
    beganMs,
    endMs,
    { entitled: sp.assignments.length, exported, importedDeltas: pending.length },
    null,
  );
  status.code = "Active";
  status.quarantine = null;
  status.countSuccessiveCompleteFailures = 0;
  status.lastExecution = execution;
  if (failures === 0) status.lastSuccessfulExecution = execution;
  if (exported > 0) status.lastSuccessfulExecutionWithExports = execution;
  if (status.steadyStateFirstAchievedTime === NEVER) status.steadyStateFirstAchievedTime = isoSeconds(endMs);
  status.steadyStateLastAchievedTime = isoSeconds(endMs);
  const provisioned = (type: "User" | "Group") =>
    sp.assignments.filter(
      (a) => a.objectType === type && (a.inTarget ?? (a.provisionedAt !== null && !a.failing)),
    ).length;
  status.synchronizedEntryCountByType = [
    { key: "User to User", value: provisioned("User") },
    { key: "Group to Group", value: provisioned("Group") },
  ];

  // Later cycles that also ended before now found nothing new: record only the latest one.
  const extra = Math.floor((nowMs - endMs) / cycle);
  if (extra > 0) {
    const lastEnd = endMs + extra * cycle;
    const quiet = taskExecution(
      "Succeeded",
      lastEnd - cycle,
      lastEnd,
      { entitled: sp.assignments.length, exported: 0, importedDeltas: 0 },
      null,
    );
    status.lastExecution = quiet;
    status.lastSuccessfulExecution = quiet;
    status.steadyStateLastAchievedTime = isoSeconds(lastEnd);
    record.cycleCount += extra;
  }
  record.nextCycleMs = endMs + (extra + 1) * cycle;
  return true;
}

/** Advances every job of every live service principal in the tenant. Returns true if anything changed. */
export function advanceTenant(tenant: TenantState, nowMs: number, cycleTimeMs: number): boolean {
  let changed = false;
  for (const sp of Object.values(tenant.servicePrincipals)) {
    if (sp.deletedMs !== null) continue;
    for (const record of Object.values(sp.jobs)) {
      changed = advanceJob(tenant, sp, record, nowMs, cycleTimeMs) || changed;
    }
  }
  return changed;
}
