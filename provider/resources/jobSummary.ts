import type { SynchronizationJob } from "../graph/types";

/** A job's quarantine as resources report it; `since` is Graph's `currentBegan`. */
export interface QuarantineOutput {
  reason: string;
  since: string;
  error: { code: string | null; message: string | null; tenantActionable: boolean } | null;
}

/** The job's quarantine, or null when it is not quarantined. */
export function quarantineOf(job: SynchronizationJob): QuarantineOutput | null {
  const q = job.status?.quarantine;
  if (q === null || q === undefined) return null;
  return {
    reason: q.reason,
    since: q.currentBegan,
    error: q.error
      ? { code: q.error.code, message: q.error.message, tenantActionable: q.error.tenantActionable }
      : null,
  };
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
