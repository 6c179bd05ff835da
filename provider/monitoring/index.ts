/**
 * Monitoring (step 5 of Microsoft's flow): job status and provisioning logs. This is the public
 * surface re-exported from the package root; the Graph-injectable variants
 * (`getProvisioningJobStatusFrom`, `listProvisioningEventsFrom`) and the rate limiter stay internal.
 */
export { getProvisioningJobStatus, getProvisioningJobStatusOutput } from "./jobStatus";
export type { GetProvisioningJobStatusArgs, GetProvisioningJobStatusOutputArgs } from "./jobStatus";
export type {
  ProvisioningExecutionSummary,
  ProvisioningJobStatus,
  ProvisioningQuarantine,
} from "./jobStatusSummary";
export { listProvisioningEvents, PROVISIONING_EVENT_STATUSES } from "./provisioningEvents";
export type { ListProvisioningEventsArgs, ProvisioningEventStatus } from "./provisioningEvents";
