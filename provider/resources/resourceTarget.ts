/**
 * The target of a resource (design.md §3 "Target"): the tenant and the Graph endpoint it lives in.
 *
 * Program side ({@link declaredTarget}): every resource class records, as its input `target`, the
 * tenant and endpoint its connection resolves to (the `connection` input's fields over stack config
 * `graphProvisioning:*` over the environment, as the provider resolves them), so a change of either is
 * a replace in the preview, whichever way it was made.
 *
 * Provider side ({@link withTarget}, wrapped around every resource kind): create records the target
 * with `tid`, the tenant the credentials acted in (the configured tenant when it is a GUID, else the
 * token's `tid` claim); read, update and delete first check that the credentials act in that same
 * tenant, and refuse naming both otherwise — never a silent "404 ⇒ gone" in the wrong tenant. State
 * recorded before targets existed has none: it is no change, and the first update records it.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, resolveTarget, sameTarget, type ResourceTarget } from "../graph/connection";
import type { ConnectionArgs, ConnectionSettings } from "./connectionArgs";
import { withInitFailureProperties } from "./graphFailures";
import type { ProviderDeps } from "./providerDeps";
import { containsUnknown, isUnknown } from "./validation";

export type { ResourceTarget } from "../graph/connection";

/** The `target` a resource keeps in its outputs: the declared target and the tenant it was made in. */
export interface RecordedTarget extends ResourceTarget {
  /** Id (GUID) of the tenant the resource was created in, as Entra writes it in tokens (`tid`); null when unknown. */
  tid: string | null;
}

/** Name of the input and output holding the target. */
export const TARGET_PROPERTY = "target";

/**
 * The target the `connection` input resolves to in the program: its tenantId and graphEndpoint, else
 * stack config `graphProvisioning:tenantId` / `graphProvisioning:graphEndpoint`, else the environment
 * (AZURE_TENANT_ID, GRAPH_PROVISIONING_ENDPOINT), else Graph's default endpoint. Never secret: it holds
 * no credential, even when the connection does.
 */
export function declaredTarget(
  connection: pulumi.Input<ConnectionArgs> | undefined,
): pulumi.Output<ResourceTarget> {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const stackConfig = { get: (key: string) => config.get(key.slice(CONFIG_NAMESPACE.length + 1)) };
  return pulumi.unsecret(
    pulumi.output(connection ?? {}).apply((c) => resolveTarget((c ?? {}) as ConnectionSettings, stackConfig)),
  );
}

function isTarget(value: unknown): value is ResourceTarget {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const t = value as Record<string, unknown>;
  return (t.tenantId === null || typeof t.tenantId === "string") && typeof t.graphEndpoint === "string";
}

function recordedOf(props: Record<string, unknown> | undefined): RecordedTarget | undefined {
  const t = props?.[TARGET_PROPERTY];
  return isTarget(t) ? (t as RecordedTarget) : undefined;
}

/** `check` failures for the `target` input (set by the resource classes, not by users). */
export function checkTarget(news: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
  const t = news[TARGET_PROPERTY];
  if (t === undefined || t === null || containsUnknown(t) || isTarget(t)) return [];
  return [
    {
      property: TARGET_PROPERTY,
      reason:
        "target must be {tenantId, graphEndpoint}; it is set by the resource class from the connection " +
        "and stack config, not by hand.",
    },
  ];
}

/**
 * True when the recorded target (old outputs) and the declared one (new inputs) differ: a replace.
 * No recorded target (state written before targets) is no change; an unknown declared one may be.
 */
export function targetChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const recorded = recordedOf(olds);
  if (recorded === undefined) return false;
  const declared = news[TARGET_PROPERTY];
  if (isUnknown(declared) || containsUnknown(declared)) return true;
  return isTarget(declared) && !sameTarget(recorded, declared);
}

/** Thrown when a resource would be acted on in a tenant other than the one it was made in. */
export class WrongTenantError extends Error {
  constructor(what: string, recorded: RecordedTarget, current: string | null) {
    super(
      `${what}: refusing to act in tenant ${current ?? "(unknown: the credentials' token names no tenant)"}, ` +
        `since the resource was created in tenant ${recorded.tid} (Graph ${recorded.graphEndpoint}). ` +
        `Run with credentials for tenant ${recorded.tid} (its connection input, or config ` +
        `${CONFIG_NAMESPACE}:tenantId and the client credentials), or, to leave the object where it is, ` +
        `remove the resource from the stack with \`pulumi state delete <urn>\`.`,
    );
    this.name = "WrongTenantError";
  }
}

/**
 * `provider` (any resource kind) keeping and enforcing its target, as the module comment says. The
 * `connection` input of the call decides the credentials, like the provider itself.
 */
export function withTarget(
  kind: string,
  provider: pulumi.dynamic.ResourceProvider,
  deps: Pick<ProviderDeps, "tenantOf" | "targetOf">,
): pulumi.dynamic.ResourceProvider {
  type Props = Record<string, unknown>;
  const connectionOf = (props: Props | undefined) =>
    props?.connection as ConnectionSettings | null | undefined;

  /** Refuses when the credentials of `props.connection` act in another tenant than `recorded.tid`. */
  async function assertTenant(what: string, recorded: RecordedTarget | undefined, props: Props | undefined) {
    if (recorded?.tid === null || recorded?.tid === undefined) return;
    const current = await deps.tenantOf(connectionOf(props));
    if (current === null || current.toLowerCase() !== recorded.tid.toLowerCase()) {
      throw new WrongTenantError(what, recorded, current);
    }
  }

  /** The target to record for `inputs`, after checking that the provider resolves what the program declared. */
  async function toRecord(inputs: Props, what: string): Promise<RecordedTarget | undefined> {
    const declared = inputs[TARGET_PROPERTY];
    if (!isTarget(declared)) return undefined;
    const resolved = deps.targetOf(connectionOf(inputs));
    if (!sameTarget(declared, resolved)) {
      throw new Error(
        `${what}: the program targets tenant ${declared.tenantId ?? "(from the credentials)"} at ` +
          `${declared.graphEndpoint}, but the provider resolved tenant ${resolved.tenantId ?? "(from the credentials)"} at ` +
          `${resolved.graphEndpoint}. The provider did not get the stack config the program saw: check that ` +
          `the engine calls configure (@pulumi/pulumi 3.248 or later) and that both see the same environment.`,
      );
    }
    return {
      tenantId: declared.tenantId,
      graphEndpoint: declared.graphEndpoint,
      tid: await deps.tenantOf(connectionOf(inputs)),
    };
  }

  const withRecorded = (outs: Props | undefined, target: RecordedTarget | undefined): Props =>
    target === undefined ? { ...(outs ?? {}) } : { ...(outs ?? {}), [TARGET_PROPERTY]: target };

  /** Keeps the target in the properties of an init failure, so the recorded resource keeps it. */
  const keepOnFailure = (error: unknown, target: RecordedTarget | undefined): unknown =>
    withInitFailureProperties(error, { [TARGET_PROPERTY]: target });

  const { check, diff, create, read, update } = provider;
  const remove = provider.delete;
  return {
    ...provider,
    check: async (olds: Props, news: Props) => {
      const result = check ? await check.call(provider, olds, news) : { inputs: news };
      const failures = [...(result.failures ?? []), ...checkTarget(news)];
      return failures.length > 0 ? { ...result, failures } : result;
    },
    ...(diff === undefined
      ? {}
      : {
          diff: async (id: string, olds: Props, news: Props) => {
            const result = await diff.call(provider, id, olds, news);
            if (!targetChanged(olds, news)) return result;
            const replaces = [
              ...(result.replaces ?? []).filter((p) => p !== TARGET_PROPERTY),
              TARGET_PROPERTY,
            ];
            return { ...result, changes: true, replaces };
          },
        }),
    create: async (inputs: Props) => {
      const target = await toRecord(inputs, `Creating a ${kind}`);
      try {
        const result = await create.call(provider, inputs);
        return { ...result, outs: withRecorded(result.outs, target) };
      } catch (error) {
        throw keepOnFailure(error, target);
      }
    },
    ...(read === undefined
      ? {}
      : {
          read: async (id: string, props?: Props) => {
            const recorded = recordedOf(props);
            await assertTenant(`Reading ${kind} ${id}`, recorded, props);
            const result = await read.call(provider, id, props);
            return result.id ? { ...result, props: withRecorded(result.props, recorded) } : result;
          },
        }),
    ...(update === undefined
      ? {}
      : {
          update: async (id: string, olds: Props, news: Props) => {
            const recorded = recordedOf(olds);
            await assertTenant(`Updating ${kind} ${id}`, recorded, news);
            const target = (await toRecord(news, `Updating ${kind} ${id}`)) ?? recorded;
            try {
              const result = await update.call(provider, id, olds, news);
              return { ...result, outs: withRecorded(result.outs, target) };
            } catch (error) {
              throw keepOnFailure(error, target);
            }
          },
        }),
    ...(remove === undefined
      ? {}
      : {
          delete: async (id: string, props: Props) => {
            await assertTenant(`Deleting ${kind} ${id}`, recordedOf(props), props);
            await remove.call(provider, id, props);
          },
        }),
  };
}
