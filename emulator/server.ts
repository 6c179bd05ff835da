/**
 * The HTTPS server and its request pipeline: control API → latency → fault injection → token side or
 * Graph side (authentication → write throttling → body parsing → route) → one final error handler →
 * response with `request-id` / `client-request-id` (or, for "dropResponse" faults, a destroyed socket;
 * for "late" faults, the request applied after `delayMs` whether or not the client still waits).
 */
import { randomUUID } from "crypto";
import type { IncomingMessage, ServerResponse } from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import type { ProvisioningObjectSummary, SynchronizationJob } from "./model/synchronizationTypes";
import {
  CONTROL_SECRET_HEADER,
  controlCallerAllowed,
  controlRefusal,
  type ControlAccessPolicy,
} from "./controlAccess";
import { ControlHandler } from "./controlHandler";
import {
  checkConfigPatch,
  checkGuid,
  checkSecret,
  resolveGraphLimits,
  type EmulatorConfigPatch,
} from "./emulatorOptions";
import { errorResponse } from "./errorHandler";
import { defaultCodeForStatus, EmulatorError, GraphErrors, retryAfterHeaders } from "./errors";
import { FaultInjector, type ActiveFault, type FaultKind, type FaultSpec } from "./faults";
import { ApplicationsHandler } from "./handlers/applicationsHandler";
import { ApplicationTemplatesHandler, simulatedAssignments } from "./handlers/applicationTemplatesHandler";
import { AuditLogsHandler } from "./handlers/auditLogsHandler";
import type {
  EmulatorResponse,
  EmulatorSettings,
  GraphRequest,
  HandlerContext,
} from "./handlers/baseHandler";
import { DirectoryHandler } from "./handlers/directoryHandler";
import { ServicePrincipalsHandler } from "./handlers/servicePrincipalsHandler";
import { SynchronizationJobsHandler } from "./handlers/synchronizationJobsHandler";
import { SynchronizationSchemaHandler } from "./handlers/synchronizationSchemaHandler";
import { SynchronizationSecretsHandler } from "./handlers/synchronizationSecretsHandler";
import { isTokenPath, TokenHandler } from "./handlers/tokenHandler";
import { action, APP, GraphRouter, SP } from "./router";
import type { AssignmentRecord, EmulatorStore, TenantCredentials } from "./store";
import { advanceTenant } from "./syncCycle";
import { Throttler, type GraphLimits } from "./throttling";
import { TokenRejection, type TokenService } from "./tokens";
import { tenantDomain } from "./graphObjects";
import {
  addEmulatedObject,
  upsertDirectoryObject,
  type DirectoryObjectRecord,
  type UserUpsert,
} from "./tenantDirectory";

/** One line of the request log. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query string, e.g. `/v1.0/applications/…`. */
  path: string;
  /** Query string including `?`, or "". */
  query: string;
  /** HTTP status answered (or that would have been, for dropResponse); 0 when the connection was reset. */
  status: number;
  /** ISO 8601 time the request arrived. */
  time: string;
  /** Graph or token side. */
  kind: "graph" | "token";
  /** Tenant of the bearer token (Graph) or of the token request path. */
  tenantId?: string;
  /** Client (appid) of the bearer token or token request. */
  clientId?: string;
  requestId: string;
  /** The injected fault that hit this request, if any. */
  fault?: FaultKind;
}

/** Current runtime settings, as `configure()` returns them. */
export interface EmulatorConfig extends EmulatorSettings {
  graphLimits: GraphLimits | null;
}

/** A job in a state snapshot. */
export type JobSnapshot = SynchronizationJob & { servicePrincipalId: string; cycleCount: number };

/** Everything in one tenant, including soft-deleted objects, for tests. Secret values are never included. */
export interface TenantSnapshot {
  tenantId: string;
  clientIds: string[];
  /** Applications; soft-deleted ones have a non-null `deletedDateTime`. */
  applications: Record<string, unknown>[];
  /** Service principals; soft-deleted ones have a non-null `deletedDateTime`. */
  servicePrincipals: Record<string, unknown>[];
  jobs: JobSnapshot[];
  /** Saved secrets: value masked as GET returns it, plus a sha256 digest of the real value. */
  secrets: { servicePrincipalId: string; key: string; value: string; digest: string }[];
  assignments: (AssignmentRecord & { servicePrincipalId: string })[];
  provisioningLogs: ProvisioningObjectSummary[];
  /** Emulated users and groups with their attributes. */
  directoryObjects: DirectoryObjectRecord[];
}

/** Options of `assign`. */
export interface AssignmentOptions {
  /** Users to add. Defaults to 0. */
  users?: number;
  /** Groups to add. Defaults to 0. */
  groups?: number;
  /** Users whose provisioning fails with an entry-level error. Defaults to 0. */
  failedUsers?: number;
  /** Tenant of the service principal. Defaults to the default tenant. */
  tenantId?: string;
}

const MAX_LOG_ENTRIES = 100_000;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wiring for `EmulatorServer`. */
export interface EmulatorServerDeps {
  store: EmulatorStore;
  tokens: TokenService;
  settings: EmulatorSettings;
  graphLimits: GraphLimits | null;
  defaultTenantId: string;
  cert: string;
  key: string;
  quiet: boolean;
  /** Who may use the control API. */
  controlAccess: ControlAccessPolicy;
}

/** The emulator process core: HTTPS server plus the operations the handle and the control API expose. */
export class EmulatorServer {
  private readonly server: https.Server;
  private readonly faults = new FaultInjector();
  private readonly throttler: Throttler;
  private readonly router = new GraphRouter();
  private readonly tokenHandler: TokenHandler;
  /** The control API; its `info` is filled in once the server listens. */
  readonly control: ControlHandler;
  private log: RequestLogEntry[] = [];
  private readonly settings: EmulatorSettings;

  constructor(private readonly deps: EmulatorServerDeps) {
    this.settings = deps.settings;
    this.throttler = new Throttler(deps.graphLimits);
    const ctx: HandlerContext = { store: deps.store, settings: this.settings, throttler: this.throttler };
    this.tokenHandler = new TokenHandler(deps.store, deps.tokens, this.settings);
    this.control = new ControlHandler(this);
    this.registerRoutes(ctx);
    this.server = https.createServer({ cert: deps.cert, key: deps.key }, (req, res) => {
      void this.onRequest(req, res);
    });
    // Keep-alive sockets would hold stop() open; clients reconnect transparently.
    this.server.keepAliveTimeout = 5_000;
  }

  private registerRoutes(ctx: HandlerContext): void {
    const templates = new ApplicationTemplatesHandler(ctx);
    const apps = new ApplicationsHandler(ctx);
    const sps = new ServicePrincipalsHandler(ctx);
    const jobs = new SynchronizationJobsHandler(ctx);
    const secrets = new SynchronizationSecretsHandler(ctx);
    const directory = new DirectoryHandler(ctx);
    const audit = new AuditLogsHandler(ctx);
    const JOBS = `${SP}/synchronization/jobs`;
    const JOB = `${JOBS}/(?<jobId>[^/]+)`;
    this.registerSchemaRoutes(new SynchronizationSchemaHandler(ctx), JOB);
    this.router
      .add("GET", "/applicationTemplates", templates.list)
      .add("GET", "/applicationTemplates/(?<templateId>[^/]+)", templates.get)
      .add(
        "POST",
        `/applicationTemplates/(?<templateId>[^/]+)${action("instantiate")}`,
        templates.instantiate,
      )
      .add("GET", "/applications", apps.list)
      .add("GET", APP, apps.get)
      .add("PATCH", APP, apps.patch)
      .add("DELETE", APP, apps.delete)
      .add("GET", `${APP}/synchronization/templates`, apps.templates)
      .add("GET", "/servicePrincipals", sps.list)
      .add("GET", SP, sps.get)
      .add("PATCH", SP, sps.patch)
      .add("DELETE", SP, sps.delete)
      .add("GET", `${SP}/synchronization/templates`, sps.templates)
      .add("GET", `${SP}/synchronization/secrets`, secrets.get)
      .add("PUT", `${SP}/synchronization/secrets`, secrets.put)
      .add("POST", `${JOBS}${action("validateCredentials")}`, jobs.validateForTemplate)
      .add("GET", JOBS, jobs.list)
      .add("POST", JOBS, jobs.create)
      .add("POST", `${JOB}${action("validateCredentials")}`, jobs.validateForJob)
      .add("POST", `${JOB}${action("start")}`, jobs.start)
      .add("POST", `${JOB}${action("pause")}`, jobs.pause)
      .add("POST", `${JOB}${action("restart")}`, jobs.restart)
      .add("POST", `${JOB}${action("provisionOnDemand")}`, jobs.provisionOnDemand)
      .add("GET", JOB, jobs.get)
      .add("DELETE", JOB, jobs.delete)
      .add(
        "GET",
        "/directory/deletedItems/microsoft\\.graph\\.(?<type>application|servicePrincipal)",
        directory.list,
      )
      .add("GET", "/directory/deletedItems/(?<objectId>[^/]+)", directory.get)
      .add("DELETE", "/directory/deletedItems/(?<objectId>[^/]+)", directory.purge)
      .add("POST", `/directory/deletedItems/(?<objectId>[^/]+)${action("restore")}`, directory.restore)
      .add("GET", "/auditLogs/provisioning", audit.provisioning);
  }

  /** The synchronization schema routes of a job and of a template (service principal or application). */
  private registerSchemaRoutes(schema: SynchronizationSchemaHandler, JOB: string): void {
    const JOB_SCHEMA = `${JOB}/schema`;
    const templateSchemas = [SP, APP].map(
      (owner) => `${owner}/synchronization/templates/(?<templateId>[^/]+)/schema`,
    );
    this.router
      .add("GET", JOB_SCHEMA, schema.getJobSchema)
      .add("PUT", JOB_SCHEMA, schema.putJobSchema)
      .add("DELETE", JOB_SCHEMA, schema.deleteJobSchema)
      .add("PATCH", JOB_SCHEMA, schema.patchJobSchema)
      .add("POST", `${JOB_SCHEMA}/directories/(?<directoryId>[^/]+)${action("discover")}`, schema.discover);
    for (const base of [JOB_SCHEMA, ...templateSchemas]) {
      if (base !== JOB_SCHEMA) this.router.add("GET", base, schema.getTemplateSchema);
      this.router
        .add("GET", `${base}/directories`, schema.listDirectories)
        .add("GET", `${base}/directories/(?<directoryId>[^/]+)`, schema.getDirectory)
        .add("POST", `${base}${action("parseExpression")}`, schema.parseExpression)
        .add("GET", `${base}${action("filterOperators")}`, schema.filterOperators)
        .add("GET", `${base}${action("functions")}`, schema.functions);
    }
  }

  /** Starts listening; resolves with the bound port. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting connections and closes open ones. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- operations shared by the in-process handle and the control API ----

  /** Clears every object, log entry, fault, request-log line and throttling bucket; keeps tenants and settings. */
  reset(): void {
    this.deps.store.reset();
    this.faults.clear();
    this.throttler.reset();
    this.log = [];
  }

  /** Changes runtime settings; returns the resulting configuration. Throws naming a bad field. */
  configure(patch: EmulatorConfigPatch): EmulatorConfig {
    checkConfigPatch(patch);
    const s = this.settings;
    if (patch.replicationDelayMs !== undefined) s.replicationDelayMs = patch.replicationDelayMs;
    if (patch.cycleTimeMs !== undefined) s.cycleTimeMs = patch.cycleTimeMs;
    if (patch.latencyMs !== undefined) s.latencyMs = patch.latencyMs;
    if (patch.tokenLifetimeSeconds !== undefined) s.tokenLifetimeSeconds = patch.tokenLifetimeSeconds;
    if (patch.defaultAssignments !== undefined)
      s.defaultAssignments = { ...s.defaultAssignments, ...patch.defaultAssignments };
    if (patch.graphLimits !== undefined) this.throttler.setLimits(resolveGraphLimits(patch.graphLimits));
    return this.config();
  }

  config(): EmulatorConfig {
    return {
      ...this.settings,
      defaultAssignments: { ...this.settings.defaultAssignments },
      graphLimits: this.throttler.current,
    };
  }

  injectFault(spec: FaultSpec): string {
    return this.faults.add(spec);
  }

  listFaults(): ActiveFault[] {
    return this.faults.list();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  requestLog(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }

  clearRequestLog(): void {
    this.log = [];
  }

  /** Registers a tenant (if new) and a client for it. Throws naming a bad field. */
  addTenant(credentials: TenantCredentials): void {
    if (!credentials || typeof credentials !== "object")
      throw new Error("addTenant: expected {tenantId, clientId, clientSecret}");
    const tenantId = checkGuid(credentials.tenantId, "tenantId");
    const clientId = checkGuid(credentials.clientId, "clientId");
    const clientSecret = checkSecret(credentials.clientSecret, "clientSecret");
    this.deps.store.refresh();
    this.deps.store.ensureClient({ tenantId, clientId, clientSecret });
    this.deps.store.commit();
  }

  /** Adds simulated assigned users/groups to a service principal; the next cycle provisions them. */
  assign(servicePrincipalId: string, options: AssignmentOptions): void {
    const store = this.deps.store;
    store.refresh();
    const tenantId = options.tenantId ?? this.deps.defaultTenantId;
    const tenant = store.tenant(tenantId);
    if (!tenant) throw new Error(`tenantId: unknown tenant '${tenantId}'`);
    const sp = tenant.servicePrincipals[String(servicePrincipalId).toLowerCase()];
    if (!sp)
      throw new Error(
        `servicePrincipalId: no service principal '${servicePrincipalId}' in tenant ${tenantId}`,
      );
    const count = (v: number | undefined, field: string) => {
      if (v === undefined) return 0;
      if (!Number.isInteger(v) || v < 0) throw new Error(`${field}: must be a non-negative integer`);
      return v;
    };
    const users = count(options.users, "users");
    const groups = count(options.groups, "groups");
    const failed = count(options.failedUsers, "failedUsers");
    const domain = tenantDomain(tenant.tenantId);
    const now = Date.now();
    sp.assignments.push(
      ...simulatedAssignments(domain, users, groups, failed, sp.assignments.length, (a, n) =>
        addEmulatedObject(tenant, a, n, domain, now),
      ),
    );
    store.commit();
  }

  /**
   * Adds or changes an emulated user or group (attributes such as department), optionally assigning it to a
   * service principal; returns its id. The next cycle of each job it is assigned to evaluates it again.
   */
  upsertUser(spec: UserUpsert): string {
    if (!spec || typeof spec !== "object")
      throw new Error("body: expected {id?, objectType?, attributes?, servicePrincipalId?}");
    const store = this.deps.store;
    store.refresh();
    const tenantId = spec.tenantId ?? this.deps.defaultTenantId;
    const tenant = store.tenant(tenantId);
    if (!tenant) throw new Error(`tenantId: unknown tenant '${tenantId}'`);
    // Cycles that ended before the change saw the old attributes.
    advanceTenant(tenant, Date.now(), this.settings.cycleTimeMs);
    const id = upsertDirectoryObject(tenant, spec, Date.now());
    store.commit();
    return id;
  }

  /** A snapshot of one tenant (default tenant when omitted), with simulated cycles advanced to now. */
  snapshot(tenantId?: string): TenantSnapshot {
    const store = this.deps.store;
    store.refresh();
    const id = tenantId ?? this.deps.defaultTenantId;
    const tenant = store.tenant(id);
    if (!tenant) throw new Error(`tenantId: unknown tenant '${id}'`);
    if (advanceTenant(tenant, Date.now(), this.settings.cycleTimeMs)) store.commit();
    const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
    const sps = Object.values(tenant.servicePrincipals);
    return clone({
      tenantId: tenant.tenantId,
      clientIds: tenant.clients.map((c) => c.clientId),
      applications: Object.values(tenant.applications).map((a) => a.resource),
      servicePrincipals: sps.map((s) => s.resource),
      jobs: sps.flatMap((s) =>
        Object.values(s.jobs).map((j) => ({
          ...j.job,
          servicePrincipalId: String(s.resource.id),
          cycleCount: j.cycleCount,
        })),
      ),
      secrets: sps.flatMap((s) =>
        s.secrets.map((r) => ({
          servicePrincipalId: String(s.resource.id),
          key: r.key,
          value: r.clearValue ?? "*",
          digest: r.digest,
        })),
      ),
      assignments: sps.flatMap((s) =>
        s.assignments.map((a) => ({ ...a, servicePrincipalId: String(s.resource.id) })),
      ),
      provisioningLogs: tenant.provisioningLogs,
      directoryObjects: Object.values(tenant.directoryObjects ?? {}),
    });
  }

  // ---- request pipeline ----

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", `https://${req.headers.host ?? "127.0.0.1"}`);
    const requestId = randomUUID();
    const sentClientRequestId = req.headers["client-request-id"];
    const clientRequestId =
      typeof sentClientRequestId === "string" && sentClientRequestId !== "" ? sentClientRequestId : requestId;
    const ids = { requestId, clientRequestId };

    if (url.pathname === "/_emulator" || url.pathname.startsWith("/_emulator/")) {
      const raw = await readBody(req);
      const caller = {
        remoteAddress: req.socket.remoteAddress,
        presentedSecret: req.headers[CONTROL_SECRET_HEADER],
      };
      const response = controlCallerAllowed(caller, this.deps.controlAccess)
        ? this.control.handle(method, url, raw)
        : { status: 403, body: controlRefusal(this.deps.controlAccess) };
      this.write(res, response, ids, "control");
      return;
    }

    const kind: RequestLogEntry["kind"] = isTokenPath(url.pathname) ? "token" : "graph";
    const entry: RequestLogEntry = {
      method,
      path: url.pathname,
      query: url.search,
      status: 0,
      time: new Date().toISOString(),
      kind,
      requestId,
    };
    let fault: ActiveFault | undefined;
    let response: EmulatorResponse;
    try {
      if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
      fault = this.faults.take(method, url.pathname + url.search);
      if (fault) entry.fault = fault.kind;
      if (fault?.kind === "reset") {
        this.record(entry);
        req.socket.destroy();
        return;
      }
      if (fault?.kind === "delay") await sleep(fault.spec.delayMs ?? 1000);
      if (fault?.kind === "status") throw faultError(fault.spec);
      // A "late" request is read before the wait: once its client gives up, the body can no longer be.
      const raw = await readBody(req);
      if (fault?.kind === "late") await sleep(fault.spec.delayMs ?? 1000);
      response =
        kind === "token"
          ? this.handleToken(req, method, url, raw, entry)
          : this.handleGraph(req, method, url, raw, entry);
    } catch (e) {
      response = errorResponse(e, ids, url, this.deps.quiet);
    }
    entry.status = response.status;
    this.record(entry);
    if (fault?.kind === "dropResponse") {
      // The operation has been applied; the client only sees the connection die.
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "applyThenStatus") {
      // The operation has been applied; a gateway answers an error instead of the result.
      response = errorResponse(faultError({ status: 504, ...fault.spec }), ids, url, this.deps.quiet);
    }
    // A "late" request was applied although its client may have timed out and left: nobody to answer.
    if (fault?.kind === "late" && (res.destroyed || req.socket.destroyed)) return;
    this.write(res, response, ids, kind);
  }

  private record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    if (!this.deps.quiet) {
      process.stderr.write(
        `${entry.time} ${entry.method} ${entry.path} ${entry.status}${entry.fault ? ` (fault: ${entry.fault})` : ""}\n`,
      );
    }
  }

  private handleToken(
    req: IncomingMessage,
    method: string,
    url: URL,
    raw: string,
    entry: RequestLogEntry,
  ): EmulatorResponse {
    this.deps.store.refresh();
    entry.tenantId = url.pathname.split("/")[1]?.toLowerCase();
    const form = new URLSearchParams(method === "POST" ? raw : "");
    entry.clientId = form.get("client_id") ?? undefined;
    const response = this.tokenHandler.handle({
      method,
      path: url.pathname,
      authority: url.origin,
      form,
      authorization: req.headers.authorization,
    });
    if (!response) throw GraphErrors.methodNotAllowed(method);
    return response;
  }

  private handleGraph(
    req: IncomingMessage,
    method: string,
    url: URL,
    raw: string,
    entry: RequestLogEntry,
  ): EmulatorResponse {
    const m = /^\/(v1\.0|beta)(\/.*)?$/i.exec(url.pathname);
    if (!m) throw GraphErrors.routeNotFound(url.pathname.split("/")[1] ?? "");
    const version = m[1].toLowerCase() === "beta" ? "beta" : "v1.0";
    const rawPath = m[2] ?? "";
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      throw GraphErrors.badRequest("The request URL is not correctly percent-encoded.", "BadRequest");
    }

    const store = this.deps.store;
    store.refresh();
    const authorization = req.headers.authorization;
    if (!authorization || !/^Bearer\s+\S+/i.test(authorization))
      throw GraphErrors.invalidToken("Access token is empty.");
    let claims;
    try {
      claims = this.deps.tokens.verify(authorization.replace(/^Bearer\s+/i, "").trim(), [url.origin]);
    } catch (e) {
      if (e instanceof TokenRejection) throw GraphErrors.invalidToken(e.message);
      throw GraphErrors.invalidToken("Access token validation failure. The token could not be parsed.");
    }
    const tenant = store.tenant(claims.tid);
    if (!tenant)
      throw GraphErrors.invalidToken(
        `Access token validation failure. Tenant '${claims.tid}' is unknown to this emulator.`,
      );
    entry.tenantId = tenant.tenantId;
    entry.clientId = claims.appid;

    if (WRITE_METHODS.has(method)) {
      const wait = this.throttler.takeWrite(`${tenant.tenantId}/${claims.appid}`, Date.now());
      if (wait > 0)
        throw GraphErrors.tooManyRequests(
          wait,
          "Too many requests: the write budget of this application in this tenant is exhausted.",
        );
    }

    let body: unknown;
    if (raw.trim() !== "" && method !== "GET" && method !== "DELETE") {
      try {
        body = JSON.parse(raw);
      } catch {
        throw GraphErrors.invalidJson();
      }
    }
    const graphRequest: GraphRequest = {
      method,
      path: path === "" ? "/" : path,
      rawPath,
      version,
      query: url.searchParams,
      body,
      baseUrl: `${url.origin}/${version}`,
      tenant,
      clientId: claims.appid,
    };
    return this.router.dispatch(graphRequest);
  }

  private write(
    res: ServerResponse,
    response: EmulatorResponse,
    ids: { requestId: string; clientRequestId: string },
    kind: string,
  ): void {
    const headers: Record<string, string> = {
      "request-id": ids.requestId,
      "client-request-id": ids.clientRequestId,
      "x-ms-ags-diagnostic": JSON.stringify({
        ServerInfo: {
          DataCenter: "Emulator",
          Slice: "E",
          Ring: "0",
          ScaleUnit: "000",
          RoleInstance: "emulator",
        },
      }),
      "Strict-Transport-Security": "max-age=31536000",
      "Cache-Control": "no-cache",
      ...(response.headers ?? {}),
    };
    let payload = "";
    if (response.body !== undefined && response.status !== 204) {
      payload = JSON.stringify(response.body);
      headers["Content-Type"] =
        kind === "graph"
          ? "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
          : "application/json; charset=utf-8";
      if (kind === "graph") headers["OData-Version"] = "4.0";
    }
    headers["Content-Length"] = String(Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

function faultError(spec: FaultSpec): EmulatorError {
  const status = spec.status ?? 503;
  const headers: Record<string, string> = {};
  if (spec.retryAfterMs !== undefined) Object.assign(headers, retryAfterHeaders(spec.retryAfterMs));
  if (spec.retryAfterSeconds !== undefined) headers["Retry-After"] = String(spec.retryAfterSeconds);
  if (spec.retryAfterText !== undefined) headers["Retry-After"] = spec.retryAfterText;
  const code = spec.code ?? defaultCodeForStatus(status);
  return new EmulatorError(status, code, spec.message ?? `Injected fault: ${status} ${code}.`, { headers });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
