import type * as pulumi from "@pulumi/pulumi";
import { assertSupportedPulumiSdk } from "../pulumiSdkSupport";

/** The resources served by the runtime entry; also the `<type>` of their type tokens. */
export type ResourceKind =
  "GalleryApp" | "ProvisioningJob" | "ProvisioningSecrets" | "JobStart" | "ProvisioningSchema";

const shims = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object handed to `pulumi.dynamic.Resource` for `kind`. Pulumi serializes it into
 * the resource's `__provider`; every method lazily requires the package's stable runtime entry
 * (`pulumi-graph-provisioning/runtime`, resolved from the Pulumi project directory) and delegates,
 * so the text captures only `kind` — no connection, credential, client or module — stays about
 * 2 KB and survives package upgrades. One object per kind, so Pulumi serializes each once.
 */
export function providerShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(kind);
  if (shim === undefined) {
    // Declaring a resource on an SDK whose host ignores configure() fails here, at preview.
    assertSupportedPulumiSdk();
    shim = makeShim(kind);
    shims.set(kind, shim);
  }
  return shim;
}

function makeShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  // Self-contained on purpose: only `kind`, `call` and `require` are referenced, so only they are
  // serialized. Short bodies keep the text small (it is stored in state for every resource).
  const call = (method: string, args: unknown[]) =>
    require("pulumi-graph-provisioning/runtime")
      .provider(kind)
      [method](...args);
  return {
    configure: (req: pulumi.dynamic.ConfigureRequest) =>
      require("pulumi-graph-provisioning/runtime").configure(req.config),
    check: (...a: unknown[]) => call("check", a),
    diff: (...a: unknown[]) => call("diff", a),
    create: (...a: unknown[]) => call("create", a),
    read: (...a: unknown[]) => call("read", a),
    update: (...a: unknown[]) => call("update", a),
    delete: (...a: unknown[]) => call("delete", a),
  };
}
