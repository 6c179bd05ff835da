import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs, type ConnectionSettings, secretWhenCredentialed } from "./connectionArgs";
import { type GalleryAppIdParts, tryParseGalleryAppId } from "./galleryAppId";
import { providerShim } from "./providerShim";
import { declaredTarget, type RecordedTarget } from "./resourceTarget";
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
  /**
   * Adopt an existing application instead of instantiating a new one (Pulumi cannot import dynamic
   * resources): at create, the one application with this displayName and template becomes this
   * resource; none ⇒ instantiate as usual; several ⇒ an error naming them. From then on the stack owns
   * it, so destroy deletes it. Defaults to false.
   */
  adoptExisting?: pulumi.Input<boolean>;
  /** Where and as whom to call Graph; defaults to stack config `graphProvisioning:*`, then the environment. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * A gallery application instantiated from an application template: the application and its
 * service principal. Create waits until the service principal is readable, removes a half-made
 * application on failure, and adopts (never duplicates) an application whose instantiate response
 * was lost. Delete removes the application (with its service principal, jobs and secrets).
 *
 * Resource id = `<applicationObjectId>/<servicePrincipalId>/<appId>` (path-shaped, like terraform's
 * composite ids). `applicationObjectId`, `servicePrincipalId` and `appId` are derived from it, so
 * they are known whenever the id is, including in the preview of an update (a rename): the engine
 * keeps the id there, while a dynamic provider's other computed outputs are unknown, which would
 * otherwise make the preview plan replacing every job, secret and start built on the app. (Under
 * `pulumi.runtime.setMocks`, a mock id of another shape falls back to the mocked outputs.)
 */
export class GalleryApp extends pulumi.dynamic.Resource {
  /** Object id of the application (first part of the resource id). */
  declare public readonly applicationObjectId: pulumi.Output<string>;
  /** Application (client) id (third part of the resource id). */
  declare public readonly appId: pulumi.Output<string>;
  /** Object id of the service principal, what jobs and secrets hang off (second part of the resource id). */
  declare public readonly servicePrincipalId: pulumi.Output<string>;
  /** The application template id, resolved when templateDisplayName was given. */
  declare public readonly templateId: pulumi.Output<string>;
  declare public readonly templateDisplayName: pulumi.Output<string | null>;
  declare public readonly displayName: pulumi.Output<string>;
  declare public readonly permanentDelete: pulumi.Output<boolean>;
  declare public readonly adoptExisting: pulumi.Output<boolean>;
  /** The connection input (secret). */
  declare public readonly connection: pulumi.Output<ConnectionSettings | null>;
  /**
   * Where the resource lives: the tenant (as configured) and Graph endpoint its connection resolves to,
   * with `tid`, the tenant it was created in. Set from the connection and stack config, not an input: a
   * change of either replaces the resource.
   */
  declare public readonly target: pulumi.Output<RecordedTarget | null>;

  constructor(name: string, args: GalleryAppArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShim("GalleryApp"),
      name,
      {
        displayName: args.displayName,
        templateId: args.templateId,
        templateDisplayName: args.templateDisplayName,
        permanentDelete: args.permanentDelete,
        adoptExisting: args.adoptExisting,
        connection: secretWhenCredentialed(args.connection),
        target: declaredTarget(args.connection),
        applicationObjectId: undefined,
        appId: undefined,
        servicePrincipalId: undefined,
      },
      withSecretOutputs(opts, ["connection"]),
      TOKEN_MODULE,
      "GalleryApp",
    );
    // The provider still outputs these (state keeps them); the properties read them from the id instead.
    this.applicationObjectId = idPart(this.id, "applicationObjectId", this.applicationObjectId);
    this.servicePrincipalId = idPart(this.id, "servicePrincipalId", this.servicePrincipalId);
    this.appId = idPart(this.id, "appId", this.appId);
  }
}

/**
 * One part of a GalleryApp id, known as soon as the id is. An id of another shape (only a test
 * mock makes one) yields `fallback`, the provider's output of the same name.
 */
function idPart(
  id: pulumi.Output<string>,
  part: keyof GalleryAppIdParts,
  fallback: pulumi.Output<string>,
): pulumi.Output<string> {
  return id.apply((value) => {
    const parts = tryParseGalleryAppId(value);
    return parts === undefined ? fallback : pulumi.output(parts[part]);
  });
}
