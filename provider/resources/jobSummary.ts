import type { SynchronizationJob } from "../graph/types";
import { type ProvisioningQuarantine, summarizeQuarantine } from "../monitoring/jobStatusSummary";

/**
 * A job's quarantine as the resources report it (`quarantine` outputs of ProvisioningJob, JobStart
 * and AppProvisioning): `{reason, since, nextAttempt, seriesCount, error}`, `since` being Graph's
 * `currentBegan`. The same shape as the monitoring helpers' {@link ProvisioningQuarantine} (one
 * type, one mapping), a superset of design.md's `{reason, since, error}`.
 */
export type QuarantineOutput = ProvisioningQuarantine;

/** The job's quarantine, or null when it is not quarantined. */
export function quarantineOf(job: SynchronizationJob): QuarantineOutput | null {
  return summarizeQuarantine(job.status?.quarantine);
}

/** True when the job is quarantined (by status code or a quarantine object). */
export function isQuarantined(job: SynchronizationJob): boolean {
  return job.status?.code === "Quarantine" || quarantineOf(job) !== null;
}

/** One sentence describing a quarantine: reason, since when, and Graph's error. */
export function describeQuarantine(job: SynchronizationJob): string {
  const q = quarantineOf(job);
  if (q === null) return `status ${job.status?.code}`;
  const err = q.error ? `: ${q.error.code ?? "error"}: ${q.error.message ?? "(no message)"}` : "";
  return `quarantined since ${q.since} (reason ${q.reason}${err})`;
}
