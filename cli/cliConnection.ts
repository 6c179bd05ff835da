/**
 * The CLI's Graph connection: flags, then the environment variables of design.md §4. There is no
 * stack config here, because Pulumi's encrypted config cannot be read outside Pulumi.
 */
import { resolveConnection, validateConnectionInput } from "../provider/graph/connection";
import type { ConnectionInput } from "../provider/graph/connection";
import { graphClientFor } from "../provider/graph/graphClient";
import type { GraphApi } from "../provider/graph/types";
import { limiterKeyOf } from "../provider/monitoring/monitoringConnection";
import type { ConnectionFlags } from "./cliContext";
import { UsageError } from "./cliErrors";

/** The flag of each connection field. */
export const CONNECTION_FLAG_NAMES: Record<keyof ConnectionFlags, string> = {
  tenantId: "--tenant-id",
  clientId: "--client-id",
  graphEndpoint: "--graph-endpoint",
  authorityHost: "--authority-host",
  caFile: "--ca-file",
  apiVersion: "--api-version",
  proxy: "--proxy",
};

/**
 * The connection input given by flags; throws a {@link UsageError} naming the flag when a value is
 * not allowed (e.g. a non-https `--authority-host`, an `--api-version` other than v1.0 or beta).
 */
export function connectionInputFromFlags(flags: ConnectionFlags): ConnectionInput {
  const input: Record<string, string> = {};
  for (const field of Object.keys(CONNECTION_FLAG_NAMES) as (keyof ConnectionFlags)[]) {
    const value = flags[field];
    if (value !== undefined) input[field] = value;
  }
  const problems = validateConnectionInput(input, "flags");
  if (problems.length > 0) {
    throw new UsageError(
      problems
        .map((p) => {
          const field = p.property.replace(/^flags\./, "") as keyof ConnectionFlags;
          return `${CONNECTION_FLAG_NAMES[field] ?? field} ${p.reason}`;
        })
        .join("; "),
    );
  }
  return input as ConnectionInput;
}

/**
 * A Graph client for `flags` merged with `env` (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET,
 * AZURE_AUTHORITY_HOST, GRAPH_PROVISIONING_ENDPOINT, GRAPH_PROVISIONING_CA_FILE / NODE_EXTRA_CA_CERTS,
 * GRAPH_PROVISIONING_PROXY, else HTTPS_PROXY / NO_PROXY),
 * and the key under which its provisioning-log requests are rate-limited.
 */
export function connectFromFlags(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
): { api: GraphApi; limiterKey: string } {
  const connection = resolveConnection(connectionInputFromFlags(flags), undefined, env);
  return { api: graphClientFor(connection), limiterKey: limiterKeyOf(connection) };
}
