import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs } from "./connectionArgs";
import { GalleryApp } from "./galleryApp";
import { JobStart } from "./jobStart";
import type { WaitFor } from "./jobStartProvider";
import type { QuarantineOutput } from "./jobSummary";
import { ProvisioningJob } from "./provisioningJob";
import { ProvisioningSchema, type ProvisioningSchemaContentArgs } from "./provisioningSchema";
import { ProvisioningSecrets } from "./provisioningSecrets";

/** Inputs of {@link AppProvisioning}: the GalleryApp inputs plus the job, credentials and start settings. */
export interface AppProvisioningArgs {
  /** Name of the application and service principal, 1..256 characters (renamed in place). */
  displayName: pulumi.Input<string>;
  /** Application template id (GUID). Exactly one of templateId / templateDisplayName. */
  templateId?: pulumi.Input<string>;
  /** Exact application template displayName. Exactly one of templateId / templateDisplayName. */
  templateDisplayName?: pulumi.Input<string>;
  /** Purge the soft-deleted application on delete. Defaults to false. */
  permanentDelete?: pulumi.Input<boolean>;
  /**
   * Adopt an existing application with this displayName and template, and its job with this job
   * template, instead of creating them (see GalleryApp / ProvisioningJob `adoptExisting`). Defaults to false.
   */
  adoptExisting?: pulumi.Input<boolean>;
  /** Synchronization template id (e.g. `aws`). Defaults to the service principal's default template (one more Graph read). */
  jobTemplateId?: pulumi.Input<string>;
  /** synchronizationSecret-keyed credentials; kept secret; a change is validated, saved and restarts the job. */
  credentials: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Validate the credentials with Graph before saving. Defaults to true. */
  validate?: pulumi.Input<boolean>;
  /** Start the job (a JobStart child). Defaults to true. Plain boolean: it decides whether the child exists. */
  start?: boolean;
  /** What starting waits for: `"none"`, `"started"` (default) or `"firstCycle"`. */
  waitFor?: pulumi.Input<WaitFor>;
  /** Restart scope used when the credentials change. Defaults to `"QuarantineState"`. */
  restartScope?: pulumi.Input<string>;
  /** Bound for waitFor, in seconds. Defaults to 600. */
  timeoutSeconds?: pulumi.Input<number>;
  /** Connection for every child; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
  /**
   * Attribute mappings and scoping filters (the ProvisioningSchema inputs without the ids): a
   * ProvisioningSchema child saved after the credentials and before the job first starts, so no
   * user is provisioned under the template's default mappings or scope.
   */
  schema?: ProvisioningSchemaContentArgs;
}

/**
 * Microsoft's provisioning flow in one declaration: GalleryApp → ProvisioningJob →
 * ProvisioningSecrets (validated against the job) → (ProvisioningSchema) → JobStart, whose triggers are the credentials
 * (secret), so rotating them restarts the job and lifts a quarantine. Type token
 * `graphProvisioning:index:AppProvisioning`.
 */
export class AppProvisioning extends pulumi.ComponentResource {
  public readonly app: GalleryApp;
  public readonly job: ProvisioningJob;
  public readonly secrets: ProvisioningSecrets;
  /** Undefined when no `schema` was given. */
  public readonly schema: ProvisioningSchema | undefined;
  /** Undefined when `start` is false. */
  public readonly jobStart: JobStart | undefined;

  public readonly applicationObjectId: pulumi.Output<string>;
  public readonly appId: pulumi.Output<string>;
  public readonly servicePrincipalId: pulumi.Output<string>;
  public readonly jobId: pulumi.Output<string>;
  /** The synchronization template of the job. */
  public readonly jobTemplateId: pulumi.Output<string>;
  /** Names of the saved credential keys (not secret). */
  public readonly secretKeys: pulumi.Output<string[]>;
  /** Job status code after start (or after create when not started). */
  public readonly statusCode: pulumi.Output<string>;
  public readonly scheduleState: pulumi.Output<string>;
  public readonly quarantine: pulumi.Output<QuarantineOutput | null>;

  constructor(name: string, args: AppProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
    super("graphProvisioning:index:AppProvisioning", name, {}, opts);
    const connection = args.connection;
    const credentials = pulumi.secret(args.credentials);

    this.app = new GalleryApp(
      `${name}-app`,
      {
        displayName: args.displayName,
        templateId: args.templateId,
        templateDisplayName: args.templateDisplayName,
        permanentDelete: args.permanentDelete,
        adoptExisting: args.adoptExisting,
        connection,
      },
      { parent: this },
    );
    this.job = new ProvisioningJob(
      `${name}-job`,
      {
        servicePrincipalId: this.app.servicePrincipalId,
        templateId: args.jobTemplateId,
        adoptExisting: args.adoptExisting,
        connection,
      },
      { parent: this },
    );
    this.secrets = new ProvisioningSecrets(
      `${name}-secrets`,
      {
        servicePrincipalId: this.app.servicePrincipalId,
        credentials,
        jobId: this.job.jobId,
        validate: args.validate,
        connection,
      },
      { parent: this },
    );
    this.schema =
      args.schema === undefined
        ? undefined
        : new ProvisioningSchema(
            `${name}-schema`,
            {
              servicePrincipalId: this.app.servicePrincipalId,
              jobId: this.job.jobId,
              objectMappings: args.schema.objectMappings,
              targetAttributes: args.schema.targetAttributes,
              onDelete: args.schema.onDelete,
              connection,
            },
            { parent: this, dependsOn: [this.secrets] },
          );
    this.jobStart =
      args.start === false
        ? undefined
        : new JobStart(
            `${name}-start`,
            {
              servicePrincipalId: this.app.servicePrincipalId,
              jobId: this.job.jobId,
              triggers: pulumi.secret(pulumi.output(credentials).apply((c) => [c])),
              restartScope: args.restartScope,
              waitFor: args.waitFor,
              timeoutSeconds: args.timeoutSeconds,
              connection,
            },
            // Start only once the secrets (read on the first cycle) and the schema (which decides who
            // is provisioned, and with what) are saved.
            { parent: this, dependsOn: this.schema ? [this.secrets, this.schema] : [this.secrets] },
          );

    this.applicationObjectId = this.app.applicationObjectId;
    this.appId = this.app.appId;
    this.servicePrincipalId = this.app.servicePrincipalId;
    this.jobId = this.job.jobId;
    this.jobTemplateId = this.job.templateId;
    this.secretKeys = this.secrets.keys;
    const status = this.jobStart ?? this.job;
    this.statusCode = status.statusCode;
    this.scheduleState = status.scheduleState;
    this.quarantine = status.quarantine;
    this.registerOutputs({
      applicationObjectId: this.applicationObjectId,
      appId: this.appId,
      servicePrincipalId: this.servicePrincipalId,
      jobId: this.jobId,
      jobTemplateId: this.jobTemplateId,
      secretKeys: this.secretKeys,
      statusCode: this.statusCode,
      scheduleState: this.scheduleState,
      quarantine: this.quarantine,
    });
  }
}
