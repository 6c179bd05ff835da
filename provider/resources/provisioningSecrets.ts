import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs, type ConnectionSettings, secretWhenCredentialed } from "./connectionArgs";
import { providerShim } from "./providerShim";
import { declaredTarget, type RecordedTarget } from "./resourceTarget";
import { TOKEN_MODULE, withSecretOutputs } from "./resourceOptions";

/** Inputs of {@link ProvisioningSecrets} (design.md §3, step 3). */
export interface ProvisioningSecretsArgs {
  /** Object id of the service principal holding the secrets. A change replaces the resource. */
  servicePrincipalId: pulumi.Input<string>;
  /**
   * Credentials keyed by `synchronizationSecret` name (e.g. `BaseAddress`, `SecretToken`,
   * `ClientSecret`). Always stored as a secret. A change is written in place; keys removed from the
   * map are cleared in Graph (JSON-valued keys such as SyncNotificationSettings are set to `{}`).
   */
  credentials: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Job id: validation then uses the job-bound validateCredentials. */
  jobId?: pulumi.Input<string>;
  /** Synchronization template id for the collection-bound validateCredentials (when there is no job yet). */
  templateId?: pulumi.Input<string>;
  /**
   * Call validateCredentials before saving; a rejection fails the update with Graph's reason and saves
   * nothing. Needs jobId or templateId. Defaults to true.
   */
  validate?: pulumi.Input<boolean>;
  /** Where and as whom to call Graph; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The synchronization secrets (credentials of the target app) of a service principal. Resource id
 * = `<servicePrincipalId>/secrets`. Delete clears the managed keys. A refresh notices managed keys
 * that vanished, and the next up writes them again.
 */
export class ProvisioningSecrets extends pulumi.dynamic.Resource {
  declare public readonly servicePrincipalId: pulumi.Output<string>;
  /** The credentials (secret). */
  declare public readonly credentials: pulumi.Output<Record<string, string>>;
  /** Names of the managed keys, sorted (not secret). */
  declare public readonly keys: pulumi.Output<string[]>;
  declare public readonly jobId: pulumi.Output<string | null>;
  declare public readonly templateId: pulumi.Output<string | null>;
  declare public readonly validate: pulumi.Output<boolean>;
  /** The connection input (secret). */
  declare public readonly connection: pulumi.Output<ConnectionSettings | null>;
  /**
   * Where the resource lives: the tenant (as configured) and Graph endpoint its connection resolves to,
   * with `tid`, the tenant it was created in. Set from the connection and stack config, not an input: a
   * change of either replaces the resource.
   */
  declare public readonly target: pulumi.Output<RecordedTarget | null>;

  constructor(name: string, args: ProvisioningSecretsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("ProvisioningSecrets"),
      name,
      {
        servicePrincipalId: args.servicePrincipalId,
        credentials: pulumi.secret(args.credentials),
        jobId: args.jobId,
        templateId: args.templateId,
        validate: args.validate,
        connection: secretWhenCredentialed(args.connection),
        target: declaredTarget(args.connection),
        keys: undefined,
      },
      withSecretOutputs(opts, ["credentials", "connection"]),
      TOKEN_MODULE,
      "ProvisioningSecrets",
    );
  }
}
