/**
 * The stable runtime entry (`pulumi-graph-provisioning/runtime`) that every serialized provider shim
 * requires lazily. It holds the stack config handed over by `configure()` and builds each real
 * resource provider once per process. Its exports are part of the state contract: shims written
 * into old stacks call `configure(config)` and `provider(kind)`, so both must keep working.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  type ConfigSource,
  type ResolvedConnection,
  resolveConnection,
  targetOfConnection,
} from "./graph/connection";
import { tenantOfConnection } from "./graph/credentials";
import { graphClientFor } from "./graph/graphClient";
import { notConfiguredError } from "./pulumiSdkSupport";
import type { ConnectionSettings } from "./resources/connectionArgs";
import { createGalleryAppProvider } from "./resources/galleryAppProvider";
import { keepingProviderInState } from "./resources/graphFailures";
import { createJobStartProvider } from "./resources/jobStartProvider";
import type { ProviderDeps } from "./resources/providerDeps";
import type { ResourceKind } from "./resources/providerShim";
import { createProvisioningJobProvider } from "./resources/provisioningJobProvider";
import { createProvisioningSchemaProvider } from "./resources/provisioningSchemaProvider";
import { withTarget } from "./resources/resourceTarget";
import { createProvisioningSecretsProvider } from "./resources/provisioningSecretsProvider";

export type { ResourceKind } from "./resources/providerShim";
export type { ProviderDeps } from "./resources/providerDeps";

let storedConfig: ConfigSource | undefined;
const providers = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/**
 * Resolved connections by the JSON of the `connection` input ("null" for none). Stack config and
 * environment are fixed for a process once configure() ran, so the input decides the result; this
 * saves resolving (validating, merging, fingerprinting) on every provider call of a fleet.
 */
const resolvedConnections = new Map<string, ResolvedConnection>();
/** Distinct connections a process keeps resolved; past this the memo starts over (bounds memory). */
const MAX_RESOLVED_CONNECTIONS = 256;

/**
 * Stores the stack config (namespaced keys such as `graphProvisioning:tenantId`) for every provider
 * of this process, and forgets connections resolved under the previous one. The Pulumi host calls
 * it once per resource type; the last call wins, and all calls in one run carry the same config.
 */
export function configure(config: ConfigSource): void {
  storedConfig = config;
  resolvedConnections.clear();
}

/**
 * The connection of a resource's `connection` input over the stored stack config and the
 * environment, resolved once per distinct input until the next {@link configure}. An invalid
 * input is not remembered: it throws on every call.
 */
function resolve(connection?: ConnectionSettings | null): ResolvedConnection {
  const key = JSON.stringify(connection ?? null);
  let resolved = resolvedConnections.get(key);
  if (resolved === undefined) {
    // Frozen: every later call with an equal input shares this object.
    resolved = Object.freeze(resolveConnection(connection ?? undefined, storedConfig));
    if (resolvedConnections.size >= MAX_RESOLVED_CONNECTIONS) resolvedConnections.clear();
    resolvedConnections.set(key, resolved);
  }
  return resolved;
}

/**
 * Real dependencies: a Graph client per connection (the input's fields over stack config over the
 * environment, resolved once per distinct input until the next {@link configure}; clients,
 * credentials and tokens shared process-wide), real time.
 */
export function realDeps(): ProviderDeps {
  return {
    clientFor: (connection) => graphClientFor(resolve(connection)),
    targetOf: (connection) => targetOfConnection(resolve(connection)),
    tenantOf: (connection) => tenantOfConnection(resolve(connection)),
    replicationTimeoutMs: (connection) => resolve(connection).replicationTimeoutSeconds * 1000,
    sleep: (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms)),
    now: () => Date.now(),
  };
}

/** Builds the provider of `kind` over `deps` (tests and benchmarks inject their own). */
export function createProvider(kind: ResourceKind, deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  return keepingProviderInState(withTarget(kind, createKind(kind, deps), deps));
}

function createKind(kind: ResourceKind, deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  switch (kind) {
    case "GalleryApp":
      return createGalleryAppProvider(deps);
    case "ProvisioningJob":
      return createProvisioningJobProvider(deps);
    case "ProvisioningSecrets":
      return createProvisioningSecretsProvider(deps);
    case "JobStart":
      return createJobStartProvider(deps);
    case "ProvisioningSchema":
      return createProvisioningSchemaProvider(deps);
    default:
      throw new Error(
        `Unknown resource kind "${String(kind)}": expected GalleryApp, ProvisioningJob, ProvisioningSecrets, JobStart or ProvisioningSchema. ` +
          `The state was written by a newer pulumi-graph-provisioning; upgrade the package.`,
      );
  }
}

/**
 * The real provider of `kind`, built once per process with {@link realDeps}.
 *
 * @throws Error naming the @pulumi/pulumi version needed when {@link configure} was never called: a
 *   host too old to pass the stack config; never a silent fall-back to environment credentials.
 */
export function provider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  if (storedConfig === undefined) throw notConfiguredError();
  let p = providers.get(kind);
  if (p === undefined) {
    p = createProvider(kind, realDeps());
    providers.set(kind, p);
  }
  return p;
}
