/**
 * How to reach a Graph emulator from the package: as a resource's `connection` input (also what the
 * monitoring functions and `resolveConnection` take), or as `graphProvisioning:*` stack config.
 */
import type { EmulatorInfo } from "../emulator";
import { CONFIG_NAMESPACE, type ConnectionInput } from "../provider/graph/connection";
import type { ConfigInput } from "./stackConfig";

/**
 * The connection to `emulator` (a running `EmulatorHandle`, or the JSON line the bin prints): its
 * tenant, client id and secret, authority host, Graph endpoint and caFile. `overrides` win field by
 * field, e.g. `{ apiVersion: "beta" }` or another tenant's credentials. The result holds the client
 * secret in plain text: pass it as a secret (`pulumi.secret`) where it enters a program's state.
 */
export function emulatorConnection(emulator: EmulatorInfo, overrides: ConnectionInput = {}): ConnectionInput {
  return {
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    authorityHost: emulator.authorityHost,
    graphEndpoint: emulator.graphEndpoint,
    caFile: emulator.caFile,
    ...overrides,
  };
}

/**
 * {@link emulatorConnection} as stack config for `LocalStack` or `writeStackConfig`: one
 * `graphProvisioning:<field>` entry per field that is set, the client secret as a `{ secure }`
 * value (so it is encrypted in stack files and secret in the provider's Configure).
 */
export function emulatorStackConfig(
  emulator: EmulatorInfo,
  overrides: ConnectionInput = {},
): Record<string, ConfigInput> {
  const config: Record<string, ConfigInput> = {};
  for (const [field, value] of Object.entries(emulatorConnection(emulator, overrides))) {
    if (value === undefined) continue;
    config[`${CONFIG_NAMESPACE}:${field}`] = field === "clientSecret" ? { secure: String(value) } : value;
  }
  return config;
}
