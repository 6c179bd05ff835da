import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs, type ConnectionSettings, secretWhenCredentialed } from "./connectionArgs";
import { providerShim } from "./providerShim";
import { TOKEN_MODULE, withSecretOutputs } from "./resourceOptions";

/** Inputs of {@link GalleryApp} (design.md §3, step 1). */
export interface GalleryAppArgs {
  /** Name of the application and its service principal, 1..256 characters. Changes are applied in place. */
  displayName: pulumi.Input<string>;
  /**
   * Application template id (GUID), e.g. `8b1025e4-1dd2-430b-a150-2ef79cd700f5` (AWS Single-Account
   * Access). Exactly one of templateId / templateDisplayName. A change replaces the application.
   */
  templateId?: pulumi.Input<string>;
  /**
   * Exact displayName of the application template, resolved with `$filter` at create; no match or
   * several ⇒ an error listing candidates. A change replaces the application.
   */
  templateDisplayName?: pulumi.Input<string>;
  /** Also purge the soft-deleted application on delete. Defaults to false (Entra keeps it 30 days). */
  permanentDelete?: pulumi.Input<boolean>;
  /** Where and as whom to call Graph; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A gallery application instantiated from an application template: the application and its
 * service principal. Resource id = application object id. Create waits until the service principal
 * is readable, removes a half-made application on failure, and adopts (never duplicates) an
 * application whose instantiate response was lost. Delete removes the application (with its service
 * principal, jobs and secrets).
 */
export class GalleryApp extends pulumi.dynamic.Resource {
  /** Object id of the application. */
  declare public readonly applicationObjectId: pulumi.Output<string>;
  /** Application (client) id. */
  declare public readonly appId: pulumi.Output<string>;
  /** Object id of the service principal (what jobs and secrets hang off). */
  declare public readonly servicePrincipalId: pulumi.Output<string>;
  /** The application template id, resolved when templateDisplayName was given. */
  declare public readonly templateId: pulumi.Output<string>;
  declare public readonly templateDisplayName: pulumi.Output<string | null>;
  declare public readonly displayName: pulumi.Output<string>;
  declare public readonly permanentDelete: pulumi.Output<boolean>;
  /** The connection input (secret). */
  declare public readonly connection: pulumi.Output<ConnectionSettings | null>;

  constructor(name: string, args: GalleryAppArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("GalleryApp"),
      name,
      {
        displayName: args.displayName,
        templateId: args.templateId,
        templateDisplayName: args.templateDisplayName,
        permanentDelete: args.permanentDelete,
        connection: secretWhenCredentialed(args.connection),
        applicationObjectId: undefined,
        appId: undefined,
        servicePrincipalId: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      TOKEN_MODULE,
      "GalleryApp",
    );
  }
}
