/**
 * Monitoring (step 5 of Microsoft's flow): job status and provisioning logs. Re-exported from the
 * package root.
 */
export { getProvisioningJobStatus, getProvisioningJobStatusOutput } from "./jobStatus";
export type { GetProvisioningJobStatusArgs, GetProvisioningJobStatusOutputArgs } from "./jobStatus";
export type {
  ProvisioningExecutionSummary,
  ProvisioningJobStatus,
  ProvisioningQuarantine,
} from "./jobStatusSummary";
export { summarizeJobStatus } from "./jobStatusSummary";
export {
  listProvisioningEvents,
  listProvisioningEventsFrom,
  PROVISIONING_EVENT_STATUSES,
} from "./provisioningEvents";
export type {
  ListProvisioningEventsArgs,
  ProvisioningEventsOptions,
  ProvisioningEventStatus,
} from "./provisioningEvents";
export { SlidingWindowRateLimiter, provisioningLogsRateLimiter } from "./slidingWindowRateLimiter";
export type { SlidingWindowRateLimiterOptions } from "./slidingWindowRateLimiter";
