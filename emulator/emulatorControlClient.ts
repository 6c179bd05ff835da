/**
 * A client for the control API of an emulator running in another process (started with the
 * `graph-provisioning-emulator` bin): the same operations as the in-process handle, async.
 */
import * as fs from "fs";
import * as https from "https";
import { CONTROL_SECRET_HEADER } from "./controlAccess";
import type { EmulatorInfo } from "./controlHandler";
import type { EmulatorConfigPatch } from "./emulatorOptions";
import type { ActiveFault, FaultSpec } from "./faults";
import type { AssignmentOptions, EmulatorConfig, RequestLogEntry, TenantSnapshot } from "./server";
import type { TenantCredentials } from "./store";
import type { UserUpsert } from "./tenantDirectory";

/** Async mirror of `EmulatorHandle`'s control methods. */
export interface EmulatorControlClient {
  info(): Promise<EmulatorInfo & { controlUrl: string; port: number }>;
  reset(): Promise<void>;
  configure(patch: EmulatorConfigPatch): Promise<EmulatorConfig>;
  config(): Promise<EmulatorConfig>;
  injectFault(fault: FaultSpec): Promise<string>;
  listFaults(): Promise<ActiveFault[]>;
  clearFaults(): Promise<void>;
  requestLog(): Promise<RequestLogEntry[]>;
  clearRequestLog(): Promise<void>;
  addTenant(credentials: TenantCredentials): Promise<void>;
  assign(servicePrincipalId: string, options: AssignmentOptions): Promise<void>;
  upsertUser(spec: UserUpsert): Promise<string>;
  state(tenantId?: string): Promise<TenantSnapshot>;
}

/**
 * Connects to the control API at `controlUrl` (`<graphEndpoint>/_emulator`), trusting the certificate in
 * `caFile` and sending `clientSecret` (the emulator's, from its start line) so that the emulator answers
 * from another machine too. Each method rejects with an Error carrying the emulator's message on a non-2xx
 * answer.
 */
export function connectEmulator(
  controlUrl: string,
  caFile: string,
  clientSecret: string,
): EmulatorControlClient {
  const agent = new https.Agent({ ca: fs.readFileSync(caFile, "utf8"), keepAlive: false });
  const base = controlUrl.replace(/\/+$/, "");
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: {
            [CONTROL_SECRET_HEADER]: clientSecret,
            ...(payload
              ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const parsed = text ? (JSON.parse(text) as unknown) : undefined;
            if ((res.statusCode ?? 500) >= 300) {
              const message =
                (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? text;
              reject(new Error(`emulator control ${method} ${path}: ${res.statusCode}: ${message}`));
            } else {
              resolve(parsed as T);
            }
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  return {
    info: () => call("GET", "/info"),
    reset: () => call("POST", "/reset"),
    configure: (patch) => call("PATCH", "/config", patch),
    config: () => call("GET", "/config"),
    injectFault: async (fault) => (await call<{ id: string }>("POST", "/faults", fault)).id,
    listFaults: async () => (await call<{ value: ActiveFault[] }>("GET", "/faults")).value,
    clearFaults: () => call("DELETE", "/faults"),
    requestLog: async () => (await call<{ value: RequestLogEntry[] }>("GET", "/requests")).value,
    clearRequestLog: () => call("DELETE", "/requests"),
    addTenant: (credentials) => call("POST", "/tenants", credentials),
    assign: (servicePrincipalId, options) => call("POST", "/assignments", { ...options, servicePrincipalId }),
    upsertUser: async (spec) => (await call<{ id: string }>("POST", "/users", spec)).id,
    state: (tenantId) => call("GET", `/state${tenantId ? `?tenantId=${encodeURIComponent(tenantId)}` : ""}`),
  };
}
