/**
 * The Graph emulator: a local HTTPS server behaving like the parts of Microsoft Graph and of the Entra
 * token endpoint this package uses (design.md §6). `startEmulator()` runs it in-process and returns a handle;
 * `graph-provisioning-emulator` (main.ts) runs it as a process; the control API mirrors the handle.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ensureCertificate } from "./certificate";
import type { EmulatorInfo } from "./controlHandler";
import {
  checkOptions,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_TENANT_ID,
  resolveGraphLimits,
  type EmulatorConfigPatch,
  type EmulatorOptions,
} from "./emulatorOptions";
import type { FaultSpec } from "./faults";
import {
  EmulatorServer,
  type AssignmentOptions,
  type EmulatorConfig,
  type RequestLogEntry,
  type TenantSnapshot,
} from "./server";
import { EmulatorStore, type TenantCredentials } from "./store";
import type { UserUpsert } from "./tenantDirectory";
import { TokenService } from "./tokens";

export type { EmulatorInfo } from "./controlHandler";
export type { EmulatorConfigPatch, EmulatorOptions } from "./emulatorOptions";
export { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID } from "./emulatorOptions";
export type { FaultKind, FaultSpec } from "./faults";
export type {
  AssignmentOptions,
  EmulatorConfig,
  JobSnapshot,
  RequestLogEntry,
  TenantSnapshot,
} from "./server";
export type { TenantCredentials } from "./store";
export type { DirectoryObjectRecord, UserUpsert } from "./tenantDirectory";
export { EMULATED_DEPARTMENTS } from "./tenantDirectory";
export type { GraphLimits } from "./throttling";
export { GRAPH_LIMITS } from "./throttling";
export { AWS_TEMPLATE_ID, CROSS_TENANT_SYNC_TEMPLATE_ID, NON_GALLERY_TEMPLATE_ID } from "./catalog";
export { INVALID_CREDENTIAL_MARKER } from "./credentialRules";
export { connectEmulator, type EmulatorControlClient } from "./emulatorControlClient";

/** A running emulator. Control methods act at once (synchronously); `stop()` is the only async one. */
export interface EmulatorHandle extends EmulatorInfo {
  /** Bound TCP port. */
  readonly port: number;
  /** Base URL of the control API (`<graphEndpoint>/_emulator`). */
  readonly controlUrl: string;
  /** Directory holding the certificate, caFile and token key. */
  readonly dataDir: string;
  /** State file, when file mode is on. */
  readonly stateFile: string | undefined;
  /** The JSON object printed on start. */
  info(): EmulatorInfo;
  /** Drops all objects, logs, faults, the request log and throttling state; keeps tenants, clients and settings. */
  reset(): void;
  /** Changes replication delay, cycle time, latency, token lifetime or Graph-limits mode. Returns the new config. */
  configure(patch: EmulatorConfigPatch): EmulatorConfig;
  /** Current runtime configuration. */
  config(): EmulatorConfig;
  /** Adds a fault rule; returns its id. */
  injectFault(fault: FaultSpec): string;
  clearFaults(): void;
  /** Graph and token requests handled so far (not control calls), oldest first. */
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  /** Registers another tenant and client (or another client of a known tenant). */
  addTenant(credentials: TenantCredentials): void;
  /** Adds simulated assignments (users, groups, failing users) to a service principal. */
  assign(servicePrincipalId: string, options: AssignmentOptions): void;
  /**
   * Adds or changes an emulated user or group (e.g. `{id, attributes: {department: "Sales"}}`), optionally
   * assigning it to `servicePrincipalId`; returns its id. Jobs it is assigned to evaluate it again next cycle.
   */
  upsertUser(spec: UserUpsert): string;
  /** Shorthand for `assign(servicePrincipalId, { users, tenantId })`. */
  assignUsers(servicePrincipalId: string, users: number, tenantId?: string): void;
  /** Everything in a tenant (default tenant when omitted), soft-deleted objects included; no secret values. */
  state(tenantId?: string): TenantSnapshot;
  /** Stops the server and closes open connections. Removes the data directory if it was a temporary one. */
  stop(): Promise<void>;
}

/**
 * Starts an emulator in this process. Startup generates a TLS certificate only the first time a data
 * directory is used. Throws an Error naming a bad option.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  checkOptions(options);
  const host = options.host ?? "127.0.0.1";
  const temporaryDataDir = options.dataDir === undefined;
  const dataDir = path.resolve(options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "graph-emulator-")));
  const tenantId = (options.tenantId ?? DEFAULT_TENANT_ID).toLowerCase();
  const clientId = (options.clientId ?? DEFAULT_CLIENT_ID).toLowerCase();
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  const stateFile = options.stateFile === undefined ? undefined : path.resolve(options.stateFile);

  const cert = await ensureCertificate(dataDir, host);
  const store = new EmulatorStore({ stateFile, defaultTenant: { tenantId, clientId, clientSecret } });
  const server = new EmulatorServer({
    store,
    tokens: new TokenService(dataDir),
    settings: {
      replicationDelayMs: options.replicationDelayMs ?? 0,
      cycleTimeMs: options.cycleTimeMs ?? 200,
      latencyMs: options.latencyMs ?? 0,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
      defaultAssignments: {
        users: options.defaultAssignments?.users ?? 2,
        groups: options.defaultAssignments?.groups ?? 1,
      },
    },
    graphLimits: resolveGraphLimits(options.graphLimits),
    defaultTenantId: tenantId,
    cert: cert.cert,
    key: cert.key,
    quiet: options.quiet ?? true,
    controlAccess: { clientSecret, trustLoopback: options.controlTrustsLoopback ?? true },
  });
  for (const extra of options.tenants ?? []) server.addTenant(extra);
  const port = await server.listen(options.port ?? 0, host);
  // Clients address the emulator by a name the certificate covers, even when it listens on all interfaces.
  const publicHost =
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const origin = `https://${publicHost}:${port}`;
  const info: EmulatorInfo = {
    graphEndpoint: origin,
    authorityHost: origin,
    tenantId,
    clientId,
    clientSecret,
    caFile: cert.caFile,
  };
  const controlUrl = `${origin}/_emulator`;
  server.control.info = { ...info, controlUrl, port };

  return {
    ...info,
    port,
    controlUrl,
    dataDir,
    stateFile,
    info: () => ({ ...info }),
    reset: () => server.reset(),
    configure: (patch) => server.configure(patch),
    config: () => server.config(),
    injectFault: (fault) => server.injectFault(fault),
    clearFaults: () => server.clearFaults(),
    requestLog: () => server.requestLog(),
    clearRequestLog: () => server.clearRequestLog(),
    addTenant: (credentials) => server.addTenant(credentials),
    assign: (spId, opts) => server.assign(spId, opts),
    upsertUser: (spec) => server.upsertUser(spec),
    assignUsers: (spId, users, tid) => server.assign(spId, { users, tenantId: tid }),
    state: (tid) => server.snapshot(tid),
    stop: async () => {
      await server.close();
      if (temporaryDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
