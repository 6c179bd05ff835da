/**
 * `graph-provisioning status <spId> <jobId>`: a synchronization job's status, schedule, last run,
 * quarantine and progress.
 */
import { getProvisioningJobStatusFrom } from "../provider/monitoring/jobStatusSummary";
import type {
  ProvisioningExecutionSummary,
  ProvisioningJobStatus,
} from "../provider/monitoring/jobStatusSummary";
import type { CliContext, CommonFlags } from "./cliContext";
import { UsageError } from "./cliErrors";
import { formatFields } from "./formatTable";

function describeExecution(execution: ProvisioningExecutionSummary | null): string | undefined {
  if (!execution) return undefined;
  const counts = `imported ${execution.countImported}, exported ${execution.countExported}, escrowed ${execution.countEscrowed}`;
  const error = execution.error
    ? `; ${execution.error.code ?? "error"}: ${execution.error.message ?? ""}`
    : "";
  return `${execution.state}, ${execution.timeBegan} .. ${execution.timeEnded} (${counts})${error}`;
}

/** The human-readable status of a job: aligned `label  value` lines. */
export function formatJobStatus(status: ProvisioningJobStatus): string {
  const q = status.quarantine;
  return formatFields([
    ["Service principal", status.servicePrincipalId],
    ["Job", status.jobId],
    ["Template", status.templateId],
    ["Status", status.statusCode],
    ["Schedule", `${status.scheduleState}, interval ${status.scheduleInterval || "-"}`],
    ["Last execution", describeExecution(status.lastExecution) ?? "none yet"],
    ["Last success", describeExecution(status.lastSuccessfulExecution) ?? "none yet"],
    ["Quarantine", q ? `${q.reason} since ${q.since}` : "none"],
    ["Quarantine error", q?.error ? `${q.error.code ?? "-"}: ${q.error.message ?? "-"}` : undefined],
    ["Next attempt", q?.nextAttempt ?? undefined],
    [
      "Progress",
      status.progress.length
        ? status.progress.map((p) => `${p.completedUnits}/${p.totalUnits} ${p.units ?? ""}`.trim()).join(", ")
        : undefined,
    ],
    [
      "Steady state",
      status.steadyStateFirstAchievedTime
        ? `first ${status.steadyStateFirstAchievedTime}, last ${status.steadyStateLastAchievedTime ?? "-"}`
        : "not reached yet",
    ],
    [
      "Synchronized",
      status.synchronizedEntryCountByType.length
        ? status.synchronizedEntryCountByType.map((e) => `${e.key}: ${e.value}`).join(", ")
        : undefined,
    ],
    [
      "Failures in a row",
      status.countSuccessiveCompleteFailures ? String(status.countSuccessiveCompleteFailures) : undefined,
    ],
    ["Troubleshooting", status.troubleshootingUrl ?? undefined],
  ]);
}

/** Checks the two positional ids of `status` and `wait`; throws a UsageError naming the bad one. */
export function checkIdArguments(spId: string, jobId: string): void {
  if (!spId.trim()) throw new UsageError("<spId> must be a service principal object id, got an empty string");
  if (!jobId.trim()) throw new UsageError("<jobId> must be a synchronization job id, got an empty string");
  if (spId.includes("/")) throw new UsageError(`<spId> must be an id, not a path: ${JSON.stringify(spId)}`);
  if (jobId.includes("/"))
    throw new UsageError(`<jobId> must be an id, not a path: ${JSON.stringify(jobId)}`);
}

/** Prints the job's status (exit 0 whatever the status, as long as it could be read). */
export async function runStatus(
  ctx: CliContext,
  spId: string,
  jobId: string,
  flags: CommonFlags,
): Promise<void> {
  checkIdArguments(spId, jobId);
  const { api } = await ctx.connect(flags);
  const status = await getProvisioningJobStatusFrom(api, spId, jobId);
  ctx.stdout(flags.json ? JSON.stringify(status, null, 2) + "\n" : formatJobStatus(status));
}
