/**
 * How the resources read a failed Graph call: the client's `GraphError` carries `statusCode` (0 when
 * no response arrived) and Graph's `code`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isGraphError } from "../graph/graphError";

/** True for a Graph 404: on read/delete the object is gone; on a fresh parent, replication. */
export function isNotFound(error: unknown): boolean {
  return isGraphError(error) && error.statusCode === 404;
}

/**
 * True when a POST may have been applied although its response was lost: no response (connection
 * reset, timeout: statusCode 0) or a 5xx. Such a POST is looked up before repeating.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  return isGraphError(error) && (error.statusCode === 0 || error.statusCode >= 500);
}

/** The error's message, for wrapping in a message of our own (GraphError messages are redacted). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An Error saying what failed (`what`) followed by the Graph failure's message, keeping the original
 * as `cause`. Values listed in `secrets` are replaced by `***` in the message, in case Graph echoed one.
 */
export function failure(what: string, error: unknown, secrets: readonly string[] = []): Error {
  return new Error(redact(`${what}: ${messageOf(error)}`, secrets), { cause: error });
}

/** Replaces every occurrence of each secret value (4 characters or longer) with `***`. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/**
 * Thrown from create/update when the object exists but did not become ready (e.g. a quarantined
 * job): the Pulumi host reports it as ErrorResourceInitFailed, so the engine records the resource
 * (with `properties`) instead of forgetting it, and the next `up` updates it.
 */
export class ResourceInitError extends Error {
  /** Resource id of the object that exists. */
  readonly id: string;
  /** Outputs to record for it. */
  readonly properties: object;
  /** Why it is not ready. */
  readonly reasons: string[];

  constructor(id: string, properties: object, reason: string) {
    super(reason);
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [reason];
  }
}

/** The input the dynamic-provider host reads a resource's serialized provider from. */
const PROVIDER_KEY = "__provider";

/** True for an error the host reports as ErrorResourceInitFailed: it carries a non-empty `id`. */
function isInitFailure(error: unknown): error is { id: string; properties?: Record<string, unknown> } {
  const id = (error as { id?: unknown } | null)?.id;
  return typeof error === "object" && error !== null && typeof id === "string" && id !== "";
}

/**
 * `error`, when it is an init failure (`{id, properties, reasons}`), with `extra` added to its
 * `properties` where they lack it: the host stores those properties as the resource's outputs as they
 * are. Any other error is returned unchanged.
 */
export function withInitFailureProperties(error: unknown, extra: Record<string, unknown>): unknown {
  if (!isInitFailure(error)) return error;
  const properties = error.properties ?? {};
  const missing = Object.entries(extra).filter(([k, v]) => v !== undefined && properties[k] === undefined);
  if (missing.length === 0) return error;
  Object.defineProperty(error, "properties", {
    value: { ...properties, ...Object.fromEntries(missing) },
    enumerable: true,
    configurable: true,
  });
  return error;
}

/**
 * `error` with `__provider` from `props` added to its init-failure properties: the host later reads the
 * provider from them, and without it refresh, replace and destroy of that resource would fail ("code
 * must be a string") — design.md §3.
 */
export function keepingProvider(error: unknown, props: Record<string, unknown> | undefined): unknown {
  return withInitFailureProperties(error, { [PROVIDER_KEY]: props?.[PROVIDER_KEY] });
}

/**
 * `provider` that keeps `__provider` in the state of every resource it serves: create and update
 * failures keep it in their init-failure properties ({@link keepingProvider}), and a resource whose
 * recorded outputs lack it (an init failure recorded by 0.1.0) diffs as changed, so the next `up`
 * updates it and the host records it again — refresh and destroy cannot repair it, since they read
 * the provider from those outputs. Every resource kind is served through it.
 */
export function keepingProviderInState(
  provider: pulumi.dynamic.ResourceProvider,
): pulumi.dynamic.ResourceProvider {
  const { create, update, diff } = provider;
  return {
    ...provider,
    create: async (inputs) => {
      try {
        return await create.call(provider, inputs);
      } catch (error) {
        throw keepingProvider(error, inputs);
      }
    },
    ...(update === undefined
      ? {}
      : {
          update: async (id, olds, news) => {
            try {
              return await update.call(provider, id, olds, news);
            } catch (error) {
              throw keepingProvider(error, news);
            }
          },
        }),
    ...(diff === undefined
      ? {}
      : {
          diff: async (id, olds, news) => {
            const result = await diff.call(provider, id, olds, news);
            const lost = olds?.[PROVIDER_KEY] === undefined && news?.[PROVIDER_KEY] !== undefined;
            return lost && update !== undefined ? { ...result, changes: true } : result;
          },
        }),
  };
}
