/**
 * How the monitoring functions get a Graph client: the caller's `connection`, then the
 * `graphProvisioning` stack config when running inside a Pulumi program, then the environment.
 */
import { graphClientFor } from "../graph/graphClient";
import { CONFIG_NAMESPACE, resolveConnection, throttlingKey } from "../graph/connection";
import type { ConfigSource, ConnectionInput, ResolvedConnection } from "../graph/connection";
import type { GraphApi } from "../graph/types";

/**
 * The stack config as a {@link ConfigSource} (`get("graphProvisioning:tenantId")`), or undefined when
 * @pulumi/pulumi cannot be loaded. Outside a Pulumi program every key reads as undefined.
 */
export function stackConfigSource(): ConfigSource | undefined {
  let pulumi: typeof import("@pulumi/pulumi");
  try {
    // Loaded lazily: scripts and the CLI share this module and must not pay for (or need) the SDK.
    pulumi = require("@pulumi/pulumi");
  } catch {
    return undefined;
  }
  const configs = new Map<string, InstanceType<typeof pulumi.Config>>();
  return {
    get(key: string): string | undefined {
      const colon = key.indexOf(":");
      const namespace = colon >= 0 ? key.slice(0, colon) : CONFIG_NAMESPACE;
      const name = colon >= 0 ? key.slice(colon + 1) : key;
      let config = configs.get(namespace);
      if (!config) {
        config = new pulumi.Config(namespace);
        configs.set(namespace, config);
      }
      return config.get(name);
    },
  };
}

/** A connected Graph client and the connection it was built from. */
export interface MonitoringGraph {
  api: GraphApi;
  connection: ResolvedConnection;
}

/**
 * Resolves `input` (then stack config, then `process.env`) and returns a Graph client for it.
 * Throws the resolver's error (naming the missing or bad field) when the settings are incomplete.
 */
export async function connectToGraph(input?: ConnectionInput): Promise<MonitoringGraph> {
  const connection = resolveConnection(input ?? {}, stackConfigSource(), process.env);
  return { api: graphClientFor(connection), connection };
}

/**
 * The rate-limit key of a connection: Graph counts provisioning-log requests per app per tenant
 * ({@link throttlingKey}; never the secret).
 */
export function limiterKeyOf(
  connection: Pick<ResolvedConnection, "graphEndpoint" | "tenantId" | "clientId">,
): string {
  return throttlingKey(connection);
}
