/**
 * Step 5 of Microsoft's flow: the status of a synchronization job, as a promise or as a Pulumi output.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConnectionInput } from "../graph/connection";
import { connectToGraph } from "./monitoringConnection";
import { checkJobIds, getProvisioningJobStatusFrom } from "./jobStatusSummary";
import type { ProvisioningJobStatus } from "./jobStatusSummary";

export type {
  ProvisioningExecutionSummary,
  ProvisioningJobStatus,
  ProvisioningQuarantine,
} from "./jobStatusSummary";

/** Arguments of {@link getProvisioningJobStatus}. */
export interface GetProvisioningJobStatusArgs {
  /** Object id of the service principal that owns the job. */
  servicePrincipalId: string;
  /** Synchronization job id (contains dots, e.g. `aws.0123….abcd`). */
  jobId: string;
  /**
   * Connection settings; missing fields come from the `graphProvisioning` stack config (inside a
   * Pulumi program) and then the environment (design.md §4).
   */
  connection?: ConnectionInput;
}

/** Arguments of {@link getProvisioningJobStatusOutput}: those of {@link GetProvisioningJobStatusArgs} as inputs. */
export interface GetProvisioningJobStatusOutputArgs {
  servicePrincipalId: pulumi.Input<string>;
  jobId: pulumi.Input<string>;
  connection?: pulumi.Input<{ [K in keyof ConnectionInput]?: pulumi.Input<ConnectionInput[K]> }>;
}

/**
 * Reads a synchronization job (`GET /servicePrincipals/{id}/synchronization/jobs/{jobId}`) and
 * returns its status: status code, schedule, last execution, quarantine, progress and steady-state
 * times. One Graph read; needs `Synchronization.Read.All` (or `Application.ReadWrite.OwnedBy` on an
 * owned app). Rejects with an Error naming the field on bad ids, with a `GraphError` on a Graph
 * failure (404 when the job or service principal does not exist).
 */
export async function getProvisioningJobStatus(
  args: GetProvisioningJobStatusArgs,
): Promise<ProvisioningJobStatus> {
  if (args === null || typeof args !== "object") {
    throw new Error("getProvisioningJobStatus needs an object {servicePrincipalId, jobId, connection?}");
  }
  // Validate before connecting, so bad input fails without any credential lookup.
  checkJobIds(args.servicePrincipalId, args.jobId);
  const { api } = await connectToGraph(args.connection);
  return getProvisioningJobStatusFrom(api, args.servicePrincipalId, args.jobId);
}

/**
 * {@link getProvisioningJobStatus} for Pulumi programs: takes inputs (e.g. a `ProvisioningJob`'s
 * `servicePrincipalId` and `jobId` outputs) and returns an Output. The read happens once the inputs
 * are known, so during a preview of a new job it stays unknown. The result is secret when the
 * connection is.
 */
export function getProvisioningJobStatusOutput(
  args: GetProvisioningJobStatusOutputArgs,
): pulumi.Output<ProvisioningJobStatus> {
  return pulumi.output(args).apply((plain) =>
    getProvisioningJobStatus({
      servicePrincipalId: plain.servicePrincipalId,
      jobId: plain.jobId,
      ...(plain.connection ? { connection: plain.connection as ConnectionInput } : {}),
    }),
  );
}
