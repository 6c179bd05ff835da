import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs, type ConnectionSettings, secretWhenCredentialed } from "./connectionArgs";
import type { QuarantineOutput } from "./jobSummary";
import { providerShim } from "./providerShim";
import { declaredTarget, type RecordedTarget } from "./resourceTarget";
import { TOKEN_MODULE, withSecretOutputs } from "./resourceOptions";

/** Inputs of {@link ProvisioningJob} (design.md §3, step 2). */
export interface ProvisioningJobArgs {
  /** Object id of the service principal the job runs for. A change replaces the job. */
  servicePrincipalId: pulumi.Input<string>;
  /**
   * Synchronization template id, e.g. `aws` or `scim`. Defaults to the service principal's template
   * marked default, else its only one (one extra Graph read). A change replaces the job, deleting
   * the old one first (Graph allows one job per template per service principal). Removing it later
   * keeps the job's template.
   */
  templateId?: pulumi.Input<string>;
  /**
   * Adopt the service principal's existing job with this template instead of creating one (Pulumi
   * cannot import dynamic resources); none ⇒ created as usual. From then on the stack owns the job, so
   * destroy deletes it. Defaults to false.
   */
  adoptExisting?: pulumi.Input<boolean>;
  /** Where and as whom to call Graph; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A synchronization (provisioning) job, created disabled; start it with {@link JobStart}.
 * Resource id = job id (e.g. `aws.0d1f….9c2b…`). A lost create response adopts the job instead of
 * making a second one.
 */
export class ProvisioningJob extends pulumi.dynamic.Resource {
  /**
   * The job id: the resource id itself, so it is known whenever the id is, including in the preview
   * of an update (where a dynamic provider's computed outputs are unknown but the id is kept).
   */
  declare public readonly jobId: pulumi.Output<string>;
  /** The synchronization template id (resolved when not given). */
  declare public readonly templateId: pulumi.Output<string>;
  declare public readonly servicePrincipalId: pulumi.Output<string>;
  /** `Active`, `Disabled` or `Paused`, as of the last create or refresh. */
  declare public readonly scheduleState: pulumi.Output<string>;
  /** ISO 8601 duration between cycles. */
  declare public readonly scheduleInterval: pulumi.Output<string>;
  /** `NotConfigured`, `NotRun`, `Active`, `Paused` or `Quarantine`. */
  declare public readonly statusCode: pulumi.Output<string>;
  /**
   * Null, or the quarantine: `reason`, `since` (Graph's currentBegan), `nextAttempt` (null when Graph
   * names none), `seriesCount` and Graph's `error`; the shape of the monitoring status's quarantine.
   */
  declare public readonly quarantine: pulumi.Output<QuarantineOutput | null>;
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  /** The connection input (secret). */
  declare public readonly connection: pulumi.Output<ConnectionSettings | null>;
  /**
   * Where the resource lives: the tenant (as configured) and Graph endpoint its connection resolves to,
   * with `tid`, the tenant it was created in. Set from the connection and stack config, not an input: a
   * change of either replaces the resource.
   */
  declare public readonly target: pulumi.Output<RecordedTarget | null>;

  constructor(name: string, args: ProvisioningJobArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ProvisioningJob"),
      name,
      {
        servicePrincipalId: args.servicePrincipalId,
        templateId: args.templateId,
        adoptExisting: args.adoptExisting,
        connection: secretWhenCredentialed(args.connection),
        target: declaredTarget(args.connection),
        jobId: undefined,
        scheduleState: undefined,
        scheduleInterval: undefined,
        statusCode: undefined,
        quarantine: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      TOKEN_MODULE,
      "ProvisioningJob",
    );
    // Same value as the provider's jobId output (kept in state), but never unknown when the id is known.
    this.jobId = this.id;
  }
}
