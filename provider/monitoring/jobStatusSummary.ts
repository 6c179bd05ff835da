/**
 * The status of a synchronization job in a flat, display-ready shape, and how it is derived from
 * Graph's `synchronizationJob`. Free of Pulumi and of connection handling, so the CLI can use it.
 */
import type {
  GraphApi,
  QuarantineReason,
  SynchronizationError,
  SynchronizationJob,
  SynchronizationProgress,
  SynchronizationQuarantine,
  SynchronizationScheduleState,
  SynchronizationStatusCode,
  SynchronizationTaskExecution,
  SynchronizationTaskExecutionResult,
} from "../graph/types";

/** Graph writes this instant for steady-state times that never happened. */
const NEVER = "0001-01-01T00:00:00Z";

/** One run of a job (`synchronizationTaskExecution`), reduced to what operators look at. */
export interface ProvisioningExecutionSummary {
  /** `Succeeded`, `Failed` or `EntryLevelErrors`. */
  state: SynchronizationTaskExecutionResult;
  /** When the run began, ISO 8601. */
  timeBegan: string;
  /** When the run ended, ISO 8601. */
  timeEnded: string;
  /** Objects read from the source. */
  countImported: number;
  /** Objects written to the target. */
  countExported: number;
  /** Objects put in escrow (failed, to be retried). */
  countEscrowed: number;
  /** The run's error, if it failed. */
  error: SynchronizationError | null;
}

/**
 * A job's quarantine: Graph stopped running it regularly because of errors. The one shape used by
 * the monitoring helpers and, as `QuarantineOutput`, by the resources' `quarantine` outputs.
 */
export interface ProvisioningQuarantine {
  /** Why (`quarantineReason`), e.g. `EncounteredQuarantineException`. */
  reason: QuarantineReason;
  /** When this quarantine began (Graph's `currentBegan`), ISO 8601. */
  since: string;
  /** When Graph will try again, ISO 8601. */
  nextAttempt: string | null;
  /** How many quarantines in a row. */
  seriesCount: number;
  /** The error that caused it, e.g. `{code: "SalesforceInvalidCredentials", …}`. */
  error: SynchronizationError | null;
}

/** The status of one synchronization job (see {@link summarizeJobStatus}). */
export interface ProvisioningJobStatus {
  servicePrincipalId: string;
  jobId: string;
  /** Synchronization template the job was made from, e.g. `aws`. */
  templateId: string;
  /** `NotConfigured`, `NotRun`, `Active`, `Paused` or `Quarantine`. */
  statusCode: SynchronizationStatusCode;
  /** `Active`, `Disabled` or `Paused`. */
  scheduleState: SynchronizationScheduleState;
  /** Time between runs, ISO 8601 duration (e.g. `PT40M`). */
  scheduleInterval: string;
  /** The latest run, or null if none ended yet. */
  lastExecution: ProvisioningExecutionSummary | null;
  /** The latest successful run, or null. */
  lastSuccessfulExecution: ProvisioningExecutionSummary | null;
  /** Null unless the job is in quarantine. */
  quarantine: ProvisioningQuarantine | null;
  /** Progress of the current run, per unit. */
  progress: SynchronizationProgress[];
  /** First time the job reached steady state (all objects processed), ISO 8601; null if never. */
  steadyStateFirstAchievedTime: string | null;
  /** Last time the job reached steady state, ISO 8601; null if never. */
  steadyStateLastAchievedTime: string | null;
  /** Runs in a row that failed completely. */
  countSuccessiveCompleteFailures: number;
  /** Objects kept in sync, per mapping (e.g. `{key: "User to User", value: 12}`). */
  synchronizedEntryCountByType: { key: string; value: number }[];
  /** A Microsoft troubleshooting link, when Graph gives one. */
  troubleshootingUrl: string | null;
}

function summarizeExecution(
  execution: SynchronizationTaskExecution | null,
): ProvisioningExecutionSummary | null {
  if (!execution) return null;
  return {
    state: execution.state,
    timeBegan: execution.timeBegan,
    timeEnded: execution.timeEnded,
    countImported: execution.countImported ?? 0,
    countExported: execution.countExported ?? 0,
    countEscrowed: execution.countEscrowed ?? 0,
    error: execution.error ?? null,
  };
}

function realTime(value: string | null | undefined): string | null {
  if (!value || value.startsWith("0001-01-01")) return null;
  return value;
}

/**
 * Derives the {@link ProvisioningQuarantine} of Graph's `synchronizationQuarantine`; null when
 * there is none. A `nextAttempt` that never happens (Graph's `0001-01-01…`) becomes null. Every
 * field is set (null rather than undefined), so the value can be a Pulumi output as is.
 */
export function summarizeQuarantine(
  quarantine: SynchronizationQuarantine | null | undefined,
): ProvisioningQuarantine | null {
  if (!quarantine) return null;
  const error = quarantine.error;
  return {
    reason: quarantine.reason,
    since: quarantine.currentBegan,
    nextAttempt: realTime(quarantine.nextAttempt),
    seriesCount: quarantine.seriesCount ?? 0,
    // Only the documented fields: anything else Graph adds stays out of outputs and state.
    error: error
      ? {
          code: error.code ?? null,
          message: error.message ?? null,
          tenantActionable: !!error.tenantActionable,
        }
      : null,
  };
}

/** Derives the {@link ProvisioningJobStatus} of `job`, which belongs to `servicePrincipalId`. */
export function summarizeJobStatus(
  servicePrincipalId: string,
  job: SynchronizationJob,
): ProvisioningJobStatus {
  const status = job.status;
  return {
    servicePrincipalId,
    jobId: job.id,
    templateId: job.templateId,
    statusCode: status?.code ?? "NotConfigured",
    scheduleState: job.schedule?.state ?? "Disabled",
    scheduleInterval: job.schedule?.interval ?? "",
    lastExecution: summarizeExecution(status?.lastExecution ?? null),
    lastSuccessfulExecution: summarizeExecution(status?.lastSuccessfulExecution ?? null),
    quarantine: summarizeQuarantine(status?.quarantine),
    progress: status?.progress ?? [],
    steadyStateFirstAchievedTime: realTime(status?.steadyStateFirstAchievedTime ?? NEVER),
    steadyStateLastAchievedTime: realTime(status?.steadyStateLastAchievedTime ?? NEVER),
    countSuccessiveCompleteFailures: status?.countSuccessiveCompleteFailures ?? 0,
    synchronizedEntryCountByType: status?.synchronizedEntryCountByType ?? [],
    troubleshootingUrl: status?.troubleshootingUrl ?? null,
  };
}

/**
 * Checks the ids of a status query; throws an Error naming the bad field.
 */
export function checkJobIds(servicePrincipalId: unknown, jobId: unknown): void {
  for (const [field, value] of [
    ["servicePrincipalId", servicePrincipalId],
    ["jobId", jobId],
  ] as const) {
    if (typeof value !== "string" || value.trim() === "") {
      throw new Error(`${field} must be a non-empty string, got ${JSON.stringify(value)}`);
    }
    if (value.includes("/")) {
      throw new Error(`${field} must be an id, not a path (it contains "/"): ${JSON.stringify(value)}`);
    }
  }
}

/** Reads the job through `api` (`GET …/synchronization/jobs/{jobId}`) and summarizes its status. */
export async function getProvisioningJobStatusFrom(
  api: GraphApi,
  servicePrincipalId: string,
  jobId: string,
): Promise<ProvisioningJobStatus> {
  checkJobIds(servicePrincipalId, jobId);
  const job = await api.getSynchronizationJob(servicePrincipalId, jobId);
  return summarizeJobStatus(servicePrincipalId, job);
}
