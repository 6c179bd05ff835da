import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs, type ConnectionSettings, secretWhenCredentialed } from "./connectionArgs";
import type { WaitFor } from "./jobStartProvider";
import type { QuarantineOutput } from "./jobSummary";
import { providerShim } from "./providerShim";
import { declaredTarget, type RecordedTarget } from "./resourceTarget";
import { TOKEN_MODULE, withSecretOutputs } from "./resourceOptions";

/** Inputs of {@link JobStart} (design.md §3, step 4). */
export interface JobStartArgs {
  /** Object id of the job's service principal. A change replaces the resource. */
  servicePrincipalId: pulumi.Input<string>;
  /** The synchronization job id. A change replaces the resource. */
  jobId: pulumi.Input<string>;
  /**
   * Arbitrary values; when they change, the job is restarted with restartScope and started again
   * (e.g. pass the credentials so a rotation lifts a quarantine).
   */
  triggers?: pulumi.Input<pulumi.Input<unknown>[]>;
  /**
   * Comma-separated `synchronizationJobRestartScope` flags used when triggers change: Escrows,
   * Watermark, QuarantineState, Full, ForceDeletes (None and ConnectorDataStore are refused, as
   * Microsoft advises). Defaults to `"QuarantineState"` (lifts a quarantine without a full resync).
   */
  restartScope?: pulumi.Input<string>;
  /**
   * `"none"` (start only; a quarantine is recorded, not a failure); `"started"` (schedule Active and
   * status past NotConfigured); `"firstCycle"` (a run that ended after this start or restart). While
   * waiting, a quarantine fails the operation. Defaults to `"started"`.
   */
  waitFor?: pulumi.Input<WaitFor>;
  /** Bound for waitFor, in seconds (1..86400). Defaults to 600. */
  timeoutSeconds?: pulumi.Input<number>;
  /** Where and as whom to call Graph; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * Starts a synchronization job and keeps it started: start is never called on a running job; a
 * job paused out of band (seen by a refresh) is started on the next up; changed triggers restart
 * it. Delete pauses the job. Resource id = `<servicePrincipalId>/<jobId>/start`.
 */
export class JobStart extends pulumi.dynamic.Resource {
  declare public readonly servicePrincipalId: pulumi.Output<string>;
  declare public readonly jobId: pulumi.Output<string>;
  /** The triggers (secret when the input was). */
  declare public readonly triggers: pulumi.Output<unknown[] | null>;
  declare public readonly restartScope: pulumi.Output<string>;
  declare public readonly waitFor: pulumi.Output<WaitFor>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** Job status code after the last create, update or refresh. */
  declare public readonly statusCode: pulumi.Output<string>;
  /** `Active`, `Disabled` or `Paused`. */
  declare public readonly scheduleState: pulumi.Output<string>;
  /** `Succeeded`, `Failed`, `EntryLevelErrors`, or null before the first run ended. */
  declare public readonly lastExecutionState: pulumi.Output<string | null>;
  /**
   * Null, or the quarantine: `reason`, `since` (Graph's currentBegan), `nextAttempt` (null when Graph
   * names none), `seriesCount` and Graph's `error`; the shape of the monitoring status's quarantine.
   */
  declare public readonly quarantine: pulumi.Output<QuarantineOutput | null>;
  /** The connection input (secret). */
  declare public readonly connection: pulumi.Output<ConnectionSettings | null>;
  /**
   * Where the resource lives: the tenant (as configured) and Graph endpoint its connection resolves to,
   * with `tid`, the tenant it was created in. Set from the connection and stack config, not an input: a
   * change of either replaces the resource.
   */
  declare public readonly target: pulumi.Output<RecordedTarget | null>;

  constructor(name: string, args: JobStartArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("JobStart"),
      name,
      {
        servicePrincipalId: args.servicePrincipalId,
        jobId: args.jobId,
        triggers: args.triggers,
        restartScope: args.restartScope,
        waitFor: args.waitFor,
        timeoutSeconds: args.timeoutSeconds,
        connection: secretWhenCredentialed(args.connection),
        target: declaredTarget(args.connection),
        statusCode: undefined,
        scheduleState: undefined,
        lastExecutionState: undefined,
        quarantine: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      TOKEN_MODULE,
      "JobStart",
    );
  }
}
