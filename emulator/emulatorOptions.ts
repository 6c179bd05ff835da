/** Options of `startEmulator`, their defaults, and the checks that reject bad values by field name. */
import type { TenantCredentials } from "./store";
import { GRAPH_LIMITS, type GraphLimits } from "./throttling";

/** Fixed default tenant id, so a committed stack file can target the emulator. */
export const DEFAULT_TENANT_ID = "7a6d0f33-4c1e-4b8a-9d2f-5e3c1b7a9d01";
/** Fixed default client (application) id. */
export const DEFAULT_CLIENT_ID = "5b2e9c4d-1a3f-4e6b-8c7d-0f9e2d1c3b42";
/** Fixed default client secret. Only ever valid against an emulator. */
export const DEFAULT_CLIENT_SECRET = "emulator-client-secret-Q7xWz3Lp9Tn2";

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Defaults to 0. */
  port?: number;
  /** Interface to listen on. Defaults to "127.0.0.1". */
  host?: string;
  /** JSON state file shared by emulator processes; in-memory state when omitted. */
  stateFile?: string;
  /**
   * Directory holding the TLS certificate (`tls.json`), `caFile` (`ca.pem`) and the token-signing key; reused
   * across starts, so the same directory gives the same certificate. Defaults to a new temporary directory.
   */
  dataDir?: string;
  /** Default tenant. Defaults to `DEFAULT_TENANT_ID`. */
  tenantId?: string;
  /** Client allowed to get tokens for the default tenant. Defaults to `DEFAULT_CLIENT_ID`. */
  clientId?: string;
  /** That client's secret. Defaults to `DEFAULT_CLIENT_SECRET`. */
  clientSecret?: string;
  /**
   * More tenants (or more clients of a tenant) served besides the default one, each with the client allowed to
   * get tokens for it, as `addTenant()` registers them (the bin's repeatable `--tenant ID:CLIENT:SECRET`).
   * Defaults to none.
   */
  tenants?: TenantCredentials[];
  /** ms after creation during which an object and its sub-resources answer 404. Defaults to 0. */
  replicationDelayMs?: number;
  /** ms a simulated synchronization cycle takes (start ⇒ first cycle end). Defaults to 200. */
  cycleTimeMs?: number;
  /** ms added to every Graph and token request. Defaults to 0. */
  latencyMs?: number;
  /** Graph-limits mode: `true` for Graph's numbers, an object for custom ones. Defaults to off. */
  graphLimits?: Partial<GraphLimits> | boolean | null;
  /** Lifetime of issued access tokens, in seconds. Defaults to 3599 (as Entra). */
  tokenLifetimeSeconds?: number;
  /** Simulated users and groups assigned to each new service principal. Defaults to 2 users, 1 group. */
  defaultAssignments?: { users?: number; groups?: number };
  /** No per-request log lines on stderr. Defaults to true. */
  quiet?: boolean;
  /**
   * Whether control-API callers on the loopback interface are trusted without the client secret. Turn it off
   * when a local reverse proxy forwards other machines' requests (they then all arrive from loopback): every
   * control call must then send the secret (`connectEmulator` does). Defaults to true.
   */
  controlTrustsLoopback?: boolean;
}

/** Settings that `configure()` can change at run time (the control API's PATCH /_emulator/config). */
export interface EmulatorConfigPatch {
  replicationDelayMs?: number;
  cycleTimeMs?: number;
  latencyMs?: number;
  tokenLifetimeSeconds?: number;
  /** `true`: Graph's limits; object: those limits (missing fields from Graph's); `false`/null: off. */
  graphLimits?: Partial<GraphLimits> | boolean | null;
  defaultAssignments?: { users?: number; groups?: number };
}

/** The keys of {@link EmulatorConfigPatch}: the options `configure()` can change later. */
const CONFIG_PATCH_KEYS = [
  "replicationDelayMs",
  "cycleTimeMs",
  "latencyMs",
  "tokenLifetimeSeconds",
  "graphLimits",
  "defaultAssignments",
] as const satisfies readonly (keyof EmulatorConfigPatch)[];

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function nonNegative(value: unknown, field: string, integer = false): number {
  if (
    typeof value !== "number" ||
    !Number.isFinite(value) ||
    value < 0 ||
    (integer && !Number.isInteger(value))
  ) {
    throw new Error(
      `${field}: must be a non-negative ${integer ? "integer" : "number"} (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** Checks a GUID-valued option. */
export function checkGuid(value: unknown, field: string): string {
  if (typeof value !== "string" || !GUID_RE.test(value)) {
    throw new Error(`${field}: must be a GUID such as ${DEFAULT_TENANT_ID} (got ${JSON.stringify(value)})`);
  }
  return value.toLowerCase();
}

/** Checks a client secret: a non-empty string. */
export function checkSecret(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0)
    throw new Error(`${field}: must be a non-empty string`);
  return value;
}

/** Resolves the Graph-limits option to limits or null (off); throws naming a bad field. */
export function resolveGraphLimits(
  value: Partial<GraphLimits> | boolean | null | undefined,
  field = "graphLimits",
): GraphLimits | null {
  if (value === undefined || value === null || value === false) return null;
  if (value === true) return { ...GRAPH_LIMITS };
  if (typeof value !== "object")
    throw new Error(
      `${field}: must be true, false, null or {writeCapacity, writeRefillPerSecond, logsPer10s}`,
    );
  const limits = { ...GRAPH_LIMITS, ...value };
  nonNegative(limits.writeCapacity, `${field}.writeCapacity`);
  nonNegative(limits.writeRefillPerSecond, `${field}.writeRefillPerSecond`);
  nonNegative(limits.logsPer10s, `${field}.logsPer10s`, true);
  if (limits.writeCapacity < 1) throw new Error(`${field}.writeCapacity: must be at least 1`);
  return limits;
}

/** Checks the numeric fields of a configure patch; throws an Error naming the first bad field. */
export function checkConfigPatch(patch: EmulatorConfigPatch): void {
  if (!patch || typeof patch !== "object") throw new Error("configure: expected an object of settings");
  const known: readonly string[] = CONFIG_PATCH_KEYS;
  for (const key of Object.keys(patch)) {
    if (!known.includes(key))
      throw new Error(`configure: unknown setting '${key}'; allowed: ${known.join(", ")}`);
  }
  for (const field of ["replicationDelayMs", "cycleTimeMs", "latencyMs"] as const) {
    if (patch[field] !== undefined) nonNegative(patch[field], field);
  }
  if (patch.tokenLifetimeSeconds !== undefined) {
    nonNegative(patch.tokenLifetimeSeconds, "tokenLifetimeSeconds", true);
    if (patch.tokenLifetimeSeconds < 1) throw new Error("tokenLifetimeSeconds: must be at least 1");
  }
  if (patch.graphLimits !== undefined) resolveGraphLimits(patch.graphLimits);
  if (patch.defaultAssignments !== undefined) {
    if (!patch.defaultAssignments || typeof patch.defaultAssignments !== "object") {
      throw new Error("defaultAssignments: must be an object {users?, groups?}");
    }
    if (patch.defaultAssignments.users !== undefined)
      nonNegative(patch.defaultAssignments.users, "defaultAssignments.users", true);
    if (patch.defaultAssignments.groups !== undefined)
      nonNegative(patch.defaultAssignments.groups, "defaultAssignments.groups", true);
  }
}

/** Checks `startEmulator` options; throws an Error naming the first bad field. */
export function checkOptions(options: EmulatorOptions): void {
  if (
    options.port !== undefined &&
    (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
  ) {
    throw new Error(`port: must be an integer from 0 to 65535 (got ${JSON.stringify(options.port)})`);
  }
  if (options.host !== undefined && (typeof options.host !== "string" || options.host === ""))
    throw new Error("host: must be a non-empty string");
  if (options.tenantId !== undefined) checkGuid(options.tenantId, "tenantId");
  if (options.clientId !== undefined) checkGuid(options.clientId, "clientId");
  if (options.clientSecret !== undefined) checkSecret(options.clientSecret, "clientSecret");
  if (options.controlTrustsLoopback !== undefined && typeof options.controlTrustsLoopback !== "boolean")
    throw new Error("controlTrustsLoopback: must be true or false");
  if (options.tenants !== undefined) {
    if (!Array.isArray(options.tenants))
      throw new Error("tenants: must be an array of {tenantId, clientId, clientSecret}");
    options.tenants.forEach((t, i) => {
      if (!t || typeof t !== "object")
        throw new Error(`tenants[${i}]: must be an object {tenantId, clientId, clientSecret}`);
      checkGuid(t.tenantId, `tenants[${i}].tenantId`);
      checkGuid(t.clientId, `tenants[${i}].clientId`);
      checkSecret(t.clientSecret, `tenants[${i}].clientSecret`);
    });
  }
  // The run-time settings among the options, checked as configure() checks them.
  checkConfigPatch(Object.fromEntries(CONFIG_PATCH_KEYS.map((key) => [key, options[key]])));
}

/**
 * Parses the bin's `--tenant` value `TENANT_ID:CLIENT_ID:SECRET` (two GUIDs, then a secret that may itself
 * contain `:`). Throws an Error saying what is expected, without echoing the secret.
 */
export function parseTenantFlag(value: string): TenantCredentials {
  const first = value.indexOf(":");
  const second = first < 0 ? -1 : value.indexOf(":", first + 1);
  if (second < 0) {
    throw new Error(
      "expected TENANT_ID:CLIENT_ID:SECRET (two GUIDs and a non-empty secret, colon-separated)",
    );
  }
  return {
    tenantId: checkGuid(value.slice(0, first), "tenant id"),
    clientId: checkGuid(value.slice(first + 1, second), "client id"),
    clientSecret: checkSecret(value.slice(second + 1), "secret"),
  };
}
