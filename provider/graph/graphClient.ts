/**
 * The Microsoft Graph client: one typed method per operation of graph-api.md that this package
 * uses, over one axios instance, with the retry policy of design.md §5, shared pacing, and every
 * failure converted to a redacted {@link GraphError} in one place ({@link GraphClient.toGraphError}).
 */
import axios from "axios";
import type { AxiosInstance, AxiosResponse } from "axios";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { ApiVersion, ResolvedConnection } from "./connection";
import {
  connectionKey,
  DEFAULT_API_VERSION,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  throttlingKey,
} from "./connection";
import { clearTokenCaches, tokenCacheFor } from "./credentials";
import { GraphError } from "./graphError";
import { createHttpsAgent, proxyFor } from "./httpsAgent";
import { redact, registerSecret } from "./redaction";
import type { PacerLane, RequestPacer } from "./requestPacer";
import { clearPacers, PacerDeadlineError, pacerFor } from "./requestPacer";
import { parseRetryAfterMs } from "./retryAfter";
import type { RetryEvent, RetryLimits, Sleep } from "./retryPolicy";
import { defaultRetryStrategies, defaultSleep, sendWithRetry } from "./retryPolicy";
import { DEFAULT_THROTTLING_BUDGET_MS, THROTTLING_STATUSES } from "./retryStrategies";
import type { RetryStrategy } from "./retryStrategies";
import type {
  Application,
  ApplicationServicePrincipal,
  ApplicationTemplate,
  GraphApi,
  GraphPage,
  ParseExpressionRequest,
  ParseExpressionResponse,
  ProvisioningLogQuery,
  ProvisioningObjectSummary,
  SchemaOwner,
  ServicePrincipal,
  SynchronizationJob,
  SynchronizationJobApplicationParameters,
  SynchronizationSchema,
  SynchronizationSecretKeyStringValuePair,
  SynchronizationTemplate,
  ValidateCredentialsRequest,
} from "./types";

/** Options of {@link GraphClient}: either `connection`, or `baseUrl` + a token source. */
export interface GraphClientOptions {
  /** Everything at once: base URL, API version, credential (process-wide token cache), CA file, timeout. */
  connection?: ResolvedConnection;
  /** Graph endpoint without version, e.g. `https://graph.microsoft.com`. Overrides `connection.graphEndpoint`. */
  baseUrl?: string;
  /** Defaults to `connection.apiVersion`, else "v1.0". */
  apiVersion?: ApiVersion;
  /** Returns a bearer token; called once per attempt. Overrides the connection's credential. */
  getToken?: () => Promise<string>;
  /**
   * Forgets `token`, which Graph rejected (401 InvalidAuthenticationToken), so that the next
   * `getToken` gets a new one. Defaults to the connection's token cache; with `getToken`, to nothing.
   */
  invalidateToken?: (token: string) => void;
  /** Timeout of one HTTP request in milliseconds. Defaults to `connection.requestTimeoutSeconds` × 1000, else 60 000. */
  timeoutMs?: number;
  /** Extra CA (PEM file) to trust. Defaults to `connection.caFile`. */
  caFile?: string;
  /** Waits between retries (and pacing). Defaults to a setTimeout sleep. */
  sleep?: Sleep;
  /** Clock in epoch milliseconds. Defaults to Date.now. */
  now?: () => number;
  /** Retry limits: throttling bounded by elapsed time (default 10 min), transient failures by count (default 3 retries). */
  retry?: RetryLimits;
  /** Shared pacer; `false` for none. Defaults to none, except in {@link graphClientFor}. */
  pacer?: RequestPacer | false;
  /** Receives one redacted line per retry. Defaults to none (provider stdout becomes engine diagnostics). */
  log?: (line: string) => void;
  /** Most pages followed by one list call. Defaults to 10 000. */
  maxPages?: number;
}

/** One request as the client describes it (path relative to the versioned base URL). */
interface GraphRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Relative path (segments already encoded), or an absolute `@odata.nextLink` URL. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /**
   * A POST that changes nothing (validateCredentials, parseExpression): the client may repeat it
   * after a 5xx, reset or timeout, as for GET. Other POSTs are repeated only on 429 (design.md §5).
   */
  sideEffectFree?: boolean;
}

interface GraphCollection<T> {
  value?: T[];
  "@odata.nextLink"?: string;
}

/** Encodes one path segment (ids may contain dots; `.`/`..` alone would change the path). */
function segment(name: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "" || value === "." || value === "..") {
    throw new Error(`${name} must be a non-empty id string, got ${JSON.stringify(value)}`);
  }
  return encodeURIComponent(value);
}

/** Quotes `value` as an OData string literal (single quotes doubled). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function isoInstant(name: string, value: string): string {
  const ms = Date.parse(value);
  if (typeof value !== "string" || Number.isNaN(ms)) {
    throw new Error(`${name} must be an ISO 8601 date-time, got ${JSON.stringify(value)}`);
  }
  return new Date(ms).toISOString();
}

const PROVISIONING_STATUSES = ["success", "failure", "skipped", "warning", "unknownFutureValue"];

/**
 * The `$filter` of `GET /auditLogs/provisioning` for `query`, or undefined when it sets no filter
 * field. Clauses are joined with `and`.
 */
export function provisioningLogFilter(query: ProvisioningLogQuery): string | undefined {
  const clauses: string[] = [];
  if (query.servicePrincipalId !== undefined) {
    clauses.push(`servicePrincipal/id eq ${odataString(query.servicePrincipalId)}`);
  }
  if (query.jobId !== undefined) clauses.push(`jobId eq ${odataString(query.jobId)}`);
  if (query.since !== undefined) clauses.push(`activityDateTime gt ${isoInstant("since", query.since)}`);
  if (query.until !== undefined) clauses.push(`activityDateTime lt ${isoInstant("until", query.until)}`);
  if (query.status !== undefined) {
    if (!PROVISIONING_STATUSES.includes(query.status)) {
      throw new Error(
        `status must be one of ${PROVISIONING_STATUSES.join(", ")}, got ${JSON.stringify(query.status)}`,
      );
    }
    clauses.push(`provisioningStatusInfo/status eq ${odataString(query.status)}`);
  }
  return clauses.length > 0 ? clauses.join(" and ") : undefined;
}

/** Empty or only whitespace. */
const BLANK = /^\s*$/;

function headerString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/**
 * Microsoft Graph client implementing {@link GraphApi}. Each method rejects with a
 * {@link GraphError} on failure, after the retries of design.md §5: 429 on any method, 503/504 on
 * GET/PUT/PATCH/DELETE and side-effect-free POSTs, waited as the response asks (at least a minimum),
 * within `retry.throttling.maxElapsedMs`; connection failures, timeouts, 500 and 502 on the same
 * repeatable requests, a few times; one new token after a 401 InvalidAuthenticationToken; nothing
 * else. Any other POST failure goes to the resource, which looks up before repeating. Collections
 * follow `@odata.nextLink` to the end.
 */
export class GraphClient implements GraphApi {
  /** Versioned base URL, e.g. `https://graph.microsoft.com/v1.0`. */
  readonly baseUrl: string;
  /** Timeout of one HTTP request, in milliseconds. */
  readonly timeoutMs: number;
  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly getToken: () => Promise<string>;
  private readonly invalidateToken: (token: string) => void;
  private readonly throttlingBudgetMs: number;
  private readonly sleep: Sleep;
  private readonly now: () => number;
  private readonly strategies: RetryStrategy[];
  private readonly pacer?: RequestPacer;
  private readonly log?: (line: string) => void;
  private readonly maxPages: number;
  private registeredToken?: string;

  constructor(options: GraphClientOptions) {
    const conn = options.connection;
    const endpoint = (options.baseUrl ?? conn?.graphEndpoint)?.replace(/\/+$/, "");
    if (!endpoint) throw new Error("GraphClient: options.baseUrl or options.connection is required");
    const version = options.apiVersion ?? conn?.apiVersion ?? DEFAULT_API_VERSION;
    this.baseUrl = `${endpoint}/${version}`;
    this.origin = new URL(this.baseUrl).origin;
    if (options.getToken) {
      this.getToken = options.getToken;
      this.invalidateToken = options.invalidateToken ?? (() => undefined);
    } else if (conn) {
      const cache = tokenCacheFor(conn);
      this.getToken = () => cache.getToken();
      this.invalidateToken = options.invalidateToken ?? ((token) => cache.invalidate(token));
    } else {
      throw new Error("GraphClient: options.getToken or options.connection is required");
    }
    this.timeoutMs =
      options.timeoutMs ?? (conn?.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000;
    if (!(this.timeoutMs > 0))
      throw new Error(`GraphClient: timeoutMs must be positive, got ${this.timeoutMs}`);
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.strategies = defaultRetryStrategies(options.retry);
    this.throttlingBudgetMs = options.retry?.throttling?.maxElapsedMs ?? DEFAULT_THROTTLING_BUDGET_MS;
    this.pacer = options.pacer || undefined;
    this.log = options.log;
    this.maxPages = options.maxPages ?? 10_000;
    this.http = axios.create({
      baseURL: this.baseUrl,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      // Root certificates + caFile in one secure context shared with the token calls, through the
      // proxy of the `proxy` setting or HTTPS_PROXY / NO_PROXY, as the token calls (httpsAgent.ts).
      httpsAgent: createHttpsAgent({
        caFile: options.caFile ?? conn?.caFile,
        proxy: proxyFor(this.baseUrl, conn?.proxy),
      }),
      // Statuses, parsing and timeouts are handled in one place below, not by axios.
      validateStatus: () => true,
      transformResponse: [(data: unknown) => data],
      responseType: "text",
      maxRedirects: 0,
      // The agent above tunnels to the proxy (CONNECT), so the proxy never sees the bearer token;
      // axios's own proxy support would send requests to it in clear.
      proxy: false,
      headers: { Accept: "application/json" },
    });
  }

  // ---- application templates -------------------------------------------------------------

  listApplicationTemplates(filter?: string): Promise<ApplicationTemplate[]> {
    return this.listAll<ApplicationTemplate>("/applicationTemplates", { $filter: filter });
  }

  getApplicationTemplate(templateId: string): Promise<ApplicationTemplate> {
    return this.json("GET", `/applicationTemplates/${segment("templateId", templateId)}`);
  }

  instantiateApplicationTemplate(
    templateId: string,
    displayName: string,
  ): Promise<ApplicationServicePrincipal> {
    return this.json("POST", `/applicationTemplates/${segment("templateId", templateId)}/instantiate`, {
      displayName,
    });
  }

  // ---- applications and service principals --------------------------------------------

  listApplicationsByNameAndTemplate(
    displayName: string,
    applicationTemplateId: string,
  ): Promise<Application[]> {
    const filter = `displayName eq ${odataString(displayName)} and applicationTemplateId eq ${odataString(applicationTemplateId)}`;
    return this.listAll<Application>("/applications", { $filter: filter });
  }

  getApplication(applicationObjectId: string): Promise<Application> {
    return this.json("GET", this.application(applicationObjectId));
  }

  async updateApplication(applicationObjectId: string, patch: { displayName?: string }): Promise<void> {
    await this.send({ method: "PATCH", path: this.application(applicationObjectId), body: patch });
  }

  async deleteApplication(applicationObjectId: string): Promise<void> {
    await this.send({ method: "DELETE", path: this.application(applicationObjectId) });
  }

  getServicePrincipal(servicePrincipalId: string): Promise<ServicePrincipal> {
    return this.json("GET", this.servicePrincipal(servicePrincipalId));
  }

  /** `GET /servicePrincipals(appId='{appId}')`: the service principal of an application by its appId (alternate key). */
  getServicePrincipalByAppId(appId: string): Promise<ServicePrincipal> {
    segment("appId", appId);
    return this.json("GET", `/servicePrincipals(appId=${encodeURIComponent(odataString(appId))})`);
  }

  async updateServicePrincipal(servicePrincipalId: string, patch: { displayName?: string }): Promise<void> {
    await this.send({ method: "PATCH", path: this.servicePrincipal(servicePrincipalId), body: patch });
  }

  async deleteServicePrincipal(servicePrincipalId: string): Promise<void> {
    await this.send({ method: "DELETE", path: this.servicePrincipal(servicePrincipalId) });
  }

  async permanentlyDeleteDirectoryObject(objectId: string): Promise<void> {
    await this.send({ method: "DELETE", path: `/directory/deletedItems/${segment("objectId", objectId)}` });
  }

  // ---- synchronization ----------------------------------------------------------------

  listSynchronizationTemplates(servicePrincipalId: string): Promise<SynchronizationTemplate[]> {
    return this.listAll<SynchronizationTemplate>(`${this.sync(servicePrincipalId)}/templates`);
  }

  createSynchronizationJob(servicePrincipalId: string, templateId: string): Promise<SynchronizationJob> {
    return this.json("POST", `${this.sync(servicePrincipalId)}/jobs`, { templateId });
  }

  listSynchronizationJobs(servicePrincipalId: string): Promise<SynchronizationJob[]> {
    return this.listAll<SynchronizationJob>(`${this.sync(servicePrincipalId)}/jobs`);
  }

  getSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<SynchronizationJob> {
    return this.json("GET", this.job(servicePrincipalId, jobId));
  }

  async deleteSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<void> {
    await this.send({ method: "DELETE", path: this.job(servicePrincipalId, jobId) });
  }

  async validateCredentials(servicePrincipalId: string, request: ValidateCredentialsRequest): Promise<void> {
    if (request.jobId === undefined && request.templateId === undefined) {
      throw new Error("validateCredentials needs jobId (job-bound) or templateId (collection-bound)");
    }
    request.credentials?.forEach((pair) => registerSecret(pair.value));
    const path =
      request.jobId !== undefined
        ? `${this.job(servicePrincipalId, request.jobId)}/validateCredentials`
        : `${this.sync(servicePrincipalId)}/jobs/validateCredentials`;
    const body: Record<string, unknown> = {};
    if (request.templateId !== undefined) body.templateId = request.templateId;
    if (request.credentials !== undefined) body.credentials = request.credentials;
    if (request.useSavedCredentials !== undefined) body.useSavedCredentials = request.useSavedCredentials;
    // Validation saves nothing: a lost response is simply asked again.
    await this.send({ method: "POST", path, body, sideEffectFree: true });
  }

  async putSynchronizationSecrets(
    servicePrincipalId: string,
    pairs: SynchronizationSecretKeyStringValuePair[],
  ): Promise<void> {
    pairs.forEach((pair) => registerSecret(pair.value));
    await this.send({
      method: "PUT",
      path: `${this.sync(servicePrincipalId)}/secrets`,
      body: { value: pairs },
    });
  }

  async getSynchronizationSecrets(
    servicePrincipalId: string,
  ): Promise<SynchronizationSecretKeyStringValuePair[]> {
    const body = await this.json<GraphCollection<SynchronizationSecretKeyStringValuePair>>(
      "GET",
      `${this.sync(servicePrincipalId)}/secrets`,
    );
    return body?.value ?? [];
  }

  async startSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<void> {
    await this.send({ method: "POST", path: `${this.job(servicePrincipalId, jobId)}/start` });
  }

  async pauseSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<void> {
    await this.send({ method: "POST", path: `${this.job(servicePrincipalId, jobId)}/pause` });
  }

  async restartSynchronizationJob(
    servicePrincipalId: string,
    jobId: string,
    resetScope?: string,
  ): Promise<void> {
    await this.send({
      method: "POST",
      path: `${this.job(servicePrincipalId, jobId)}/restart`,
      body: resetScope === undefined ? {} : { criteria: { resetScope } },
    });
  }

  async provisionOnDemand(
    servicePrincipalId: string,
    jobId: string,
    parameters: SynchronizationJobApplicationParameters[],
  ): Promise<{ key: string | null; value: string | null }[]> {
    type Pair = { key: string | null; value: string | null };
    const body = await this.json<(Pair & { value: unknown }) | GraphCollection<Pair>>(
      "POST",
      `${this.job(servicePrincipalId, jobId)}/provisionOnDemand`,
      { parameters },
    );
    // Documented as one stringKeyStringValuePair; accept a collection too.
    if (body && Array.isArray((body as GraphCollection<Pair>).value))
      return (body as GraphCollection<Pair>).value!;
    if (body && "key" in body) return [{ key: body.key, value: body.value as string | null }];
    return [];
  }

  // ---- synchronization schema (graph-schema.md §1) ------------------------------------

  getSynchronizationSchema(servicePrincipalId: string, owner: SchemaOwner): Promise<SynchronizationSchema> {
    return this.json("GET", this.schema(servicePrincipalId, owner));
  }

  async putSynchronizationSchema(
    servicePrincipalId: string,
    jobId: string,
    schema: SynchronizationSchema,
  ): Promise<void> {
    await this.send({ method: "PUT", path: this.schema(servicePrincipalId, { jobId }), body: schema });
  }

  async deleteSynchronizationSchema(servicePrincipalId: string, jobId: string): Promise<void> {
    await this.send({ method: "DELETE", path: this.schema(servicePrincipalId, { jobId }) });
  }

  async parseExpression(
    servicePrincipalId: string,
    owner: SchemaOwner,
    request: ParseExpressionRequest,
  ): Promise<ParseExpressionResponse> {
    // Parsing changes nothing: a lost response is simply asked again (design.md §5).
    const path = `${this.schema(servicePrincipalId, owner)}/parseExpression`;
    return (
      await this.send<ParseExpressionResponse>({ method: "POST", path, body: request, sideEffectFree: true })
    ).data as ParseExpressionResponse;
  }

  // ---- provisioning logs --------------------------------------------------------------

  async listProvisioningEventsPage(
    query: ProvisioningLogQuery,
    nextLink?: string,
  ): Promise<GraphPage<ProvisioningObjectSummary>> {
    let request: GraphRequest;
    if (nextLink) {
      request = { method: "GET", path: nextLink };
    } else {
      if (query.top !== undefined && !(Number.isInteger(query.top) && query.top > 0)) {
        throw new Error(`top must be a positive integer, got ${JSON.stringify(query.top)}`);
      }
      request = {
        method: "GET",
        path: "/auditLogs/provisioning",
        query: { $filter: provisioningLogFilter(query), $top: query.top, $orderby: "activityDateTime desc" },
      };
    }
    const body = (await this.send<GraphCollection<ProvisioningObjectSummary>>(request)).data;
    return {
      value: body?.value ?? [],
      ...(body?.["@odata.nextLink"] ? { nextLink: body["@odata.nextLink"] } : {}),
    };
  }

  // ---- plumbing -----------------------------------------------------------------------

  private application(applicationObjectId: string): string {
    return `/applications/${segment("applicationObjectId", applicationObjectId)}`;
  }

  private servicePrincipal(servicePrincipalId: string): string {
    return `/servicePrincipals/${segment("servicePrincipalId", servicePrincipalId)}`;
  }

  private sync(servicePrincipalId: string): string {
    return `${this.servicePrincipal(servicePrincipalId)}/synchronization`;
  }

  private job(servicePrincipalId: string, jobId: string): string {
    return `${this.sync(servicePrincipalId)}/jobs/${segment("jobId", jobId)}`;
  }

  /** `…/jobs/{jobId}/schema` or `…/templates/{templateId}/schema`. */
  private schema(servicePrincipalId: string, owner: SchemaOwner): string {
    return "jobId" in owner
      ? `${this.job(servicePrincipalId, owner.jobId)}/schema`
      : `${this.sync(servicePrincipalId)}/templates/${segment("templateId", owner.templateId)}/schema`;
  }

  private async json<T>(method: GraphRequest["method"], path: string, body?: unknown): Promise<T> {
    return (await this.send<T>({ method, path, body })).data as T;
  }

  /** Every item of a collection, following `@odata.nextLink` (requested as given). */
  private async listAll<T>(path: string, query?: GraphRequest["query"]): Promise<T[]> {
    const items: T[] = [];
    let request: GraphRequest = { method: "GET", path, query };
    for (let page = 1; ; page++) {
      const body = (await this.send<GraphCollection<T>>(request)).data;
      items.push(...(body?.value ?? []));
      const next = body?.["@odata.nextLink"];
      if (!next) return items;
      if (page >= this.maxPages) throw new Error(`GET ${path}: more than ${this.maxPages} pages; stopped`);
      request = { method: "GET", path: next };
    }
  }

  /** The URL to request and the path to report (relative, no query) for `request`. */
  private target(request: GraphRequest): { url: string; path: string } {
    if (/^https?:\/\//i.test(request.path)) {
      const url = new URL(request.path);
      // The bearer token goes with the request: only to the configured Graph origin.
      if (url.origin !== this.origin) {
        throw new Error(
          `Refusing to follow @odata.nextLink to ${url.origin}: not the Graph endpoint ${this.origin}`,
        );
      }
      const basePath = new URL(this.baseUrl).pathname;
      const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
      return { url: url.toString(), path: path || "/" };
    }
    const params = Object.entries(request.query ?? {})
      .filter(([, v]) => v !== undefined)
      // Spaces as %20 (not +) and `$` kept literal: what Graph's docs and SDKs send.
      .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
    return {
      url: `${this.baseUrl}${request.path}${params.length > 0 ? `?${params.join("&")}` : ""}`,
      path: request.path,
    };
  }

  /**
   * Sends `request` with retries and pacing; resolves with the parsed body (undefined when empty).
   * A wait in the shared pacer never outlasts the request's retry budget (a {@link GraphError.THROTTLED}
   * failure instead), and a token Graph rejects as invalid is replaced once (design.md §5).
   */
  private async send<T>(request: GraphRequest): Promise<{ status: number; data: T | undefined }> {
    const { url, path } = this.target(request);
    const lane: PacerLane = request.method === "GET" ? "read" : "write";
    const deadline = this.now() + this.throttlingBudgetMs;
    let tokenRenewed = false;
    return sendWithRetry(
      request.method,
      async () => {
        const release = await this.acquire(lane, deadline, request.method, path);
        let token = await this.token();
        let clientRequestId = randomUUID();
        let response = await this.attempt(request, url, path, token, clientRequestId);
        if (
          !tokenRenewed &&
          response.status === 401 &&
          this.toGraphError(request.method, path, clientRequestId, response).code ===
            "InvalidAuthenticationToken"
        ) {
          // A cached token revoked or expired early: drop it, get a new one, send once more (once).
          tokenRenewed = true;
          this.invalidateToken(token);
          token = await this.token();
          clientRequestId = randomUUID();
          response = await this.attempt(request, url, path, token, clientRequestId);
        }
        if (response.status >= 200 && response.status < 300) {
          this.pacer?.onSuccess(lane);
          return {
            status: response.status,
            data: this.parse<T>(response, request.method, path, clientRequestId),
          };
        }
        const error = this.toGraphError(request.method, path, clientRequestId, response);
        if (
          this.pacer &&
          THROTTLING_STATUSES.includes(error.statusCode) &&
          error.retryAfterMs !== undefined
        ) {
          this.pacer.onThrottled(lane, error.retryAfterMs, release);
        }
        throw error;
      },
      {
        strategies: this.strategies,
        sleep: this.sleep,
        now: this.now,
        onRetry: this.log ? (event) => this.logRetry(event) : undefined,
        sideEffectFree: request.sideEffectFree,
      },
    );
  }

  /** A bearer token, registered for redaction once per token (the same token serves a whole fleet). */
  private async token(): Promise<string> {
    const token = await this.getToken();
    if (token !== this.registeredToken) {
      registerSecret(token);
      this.registeredToken = token;
    }
    return token;
  }

  /**
   * The pacer's release for a request of `lane`, or a {@link GraphError.THROTTLED} failure (429, not
   * sent) when the lane is held past the request's deadline.
   */
  private async acquire(
    lane: PacerLane,
    deadline: number,
    method: string,
    path: string,
  ): Promise<number | undefined> {
    if (!this.pacer) return undefined;
    try {
      return await this.pacer.acquire(lane, deadline);
    } catch (e) {
      if (!(e instanceof PacerDeadlineError)) throw e;
      const seconds = Math.ceil(e.waitMs / 1000);
      throw new GraphError({
        statusCode: 429,
        code: GraphError.THROTTLED,
        graphMessage:
          `not sent: Graph throttled the ${e.lane === "read" ? "reads" : "writes"} of this tenant and app ` +
          `(${e.lane} lane), which wait ${seconds} s more (until ${new Date(e.releaseAt).toISOString()}), longer than this ` +
          `request may wait (${Math.round(this.throttlingBudgetMs / 1000)} s in all). Nothing was sent. Run again after ` +
          `that time, and send fewer requests at once (e.g. a lower pulumi up --parallel)`,
        method,
        path,
        retryAfterMs: e.waitMs,
      });
    }
  }

  private logRetry(event: RetryEvent): void {
    this.log?.(
      redact(`${event.error.message} — retry ${event.attempt} in ${event.delayMs} ms (${event.strategy})`),
    );
  }

  /** One HTTP exchange, with the request timeout covering the whole response. */
  private async attempt(
    request: GraphRequest,
    url: string,
    path: string,
    token: string,
    clientRequestId: string,
  ): Promise<AxiosResponse<string>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      return await this.http.request<string>({
        method: request.method,
        url,
        data: request.body === undefined ? undefined : JSON.stringify(request.body),
        headers: {
          Authorization: `Bearer ${token}`,
          "client-request-id": clientRequestId,
          ...(request.body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        signal: controller.signal,
      });
    } catch (e) {
      throw this.toGraphError(request.method, path, clientRequestId, undefined, e, timedOut);
    } finally {
      clearTimeout(timer);
    }
  }

  private parse<T>(
    response: AxiosResponse<string>,
    method: string,
    path: string,
    clientRequestId: string,
  ): T | undefined {
    const text = typeof response.data === "string" ? response.data : "";
    // A test, not trim(): trim() copies the whole body (KBs for an instantiate) on every response.
    if (response.status === 204 || BLANK.test(text)) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new GraphError({
        statusCode: response.status,
        code: GraphError.PARSE_ERROR,
        graphMessage: `response body is not JSON (${text.length} characters, content-type ${headerString(response.headers["content-type"]) ?? "none"})`,
        method,
        path,
        requestId: headerString(response.headers["request-id"]),
        clientRequestId,
      });
    }
  }

  /**
   * The one place failures become {@link GraphError}: an error response (Graph's envelope, or any
   * body), or a transport failure / timeout (statusCode 0). No request, header or body is kept.
   */
  private toGraphError(
    method: string,
    path: string,
    clientRequestId: string,
    response?: AxiosResponse<string>,
    cause?: unknown,
    timedOut = false,
  ): GraphError {
    if (!response) {
      const err = cause as { code?: string; message?: string } | undefined;
      const detail =
        err?.code && !err.message?.includes(err.code) ? `${err.code}: ${err.message}` : err?.message;
      return new GraphError({
        statusCode: 0,
        code: timedOut ? GraphError.TIMEOUT : GraphError.REQUEST_SEND_ERROR,
        graphMessage: timedOut
          ? `no complete response within ${this.timeoutMs} ms (requestTimeoutSeconds)`
          : (detail ?? "request failed"),
        method,
        path,
        clientRequestId,
      });
    }
    const text = typeof response.data === "string" ? response.data : "";
    let envelope: { error?: Record<string, unknown> } | undefined;
    try {
      envelope = text ? (JSON.parse(text) as { error?: Record<string, unknown> }) : undefined;
    } catch {
      envelope = undefined;
    }
    const error =
      envelope && typeof envelope.error === "object" && envelope.error ? envelope.error : undefined;
    const inner = (error?.innerError ?? error?.innererror) as Record<string, unknown> | undefined;
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    const statusText = response.statusText || http.STATUS_CODES[response.status] || "Error";
    return new GraphError({
      statusCode: response.status,
      code: str(error?.code) ?? statusText.replace(/\s+/g, ""),
      graphMessage: str(error?.message) ?? (text ? text.slice(0, 500) : statusText),
      method,
      path,
      requestId: headerString(response.headers["request-id"]) ?? str(inner?.["request-id"]),
      clientRequestId: headerString(response.headers["client-request-id"]) ?? clientRequestId,
      date: str(inner?.date),
      retryAfterMs: parseRetryAfterMs(response.headers as Record<string, string>, this.now()),
      innerCode: str(inner?.code),
      details: Array.isArray(error?.details)
        ? (error.details as { code?: string; message?: string }[])
        : undefined,
    });
  }
}

const clients = new Map<string, GraphClient>();

// The last connection looked up and its client: resources resolve their connection on every
// operation, nearly always to the same fields, and comparing those is cheaper than hashing the
// secret into the key (a fleet looks the client up several times per app).
let lastLookup: { conn: ResolvedConnection; client: GraphClient } | undefined;

/** Same fields, same values (a ResolvedConnection holds only primitives). */
function sameConnection(a: ResolvedConnection, b: ResolvedConnection): boolean {
  const keys = Object.keys(a) as (keyof ResolvedConnection)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * The process-wide client for `conn`: every resource of a provider process with the same
 * connection shares one client, one credential and token, and one pacer (keyed by Graph endpoint,
 * tenant and client id).
 */
export function graphClientFor(conn: ResolvedConnection): GraphApi {
  if (lastLookup && sameConnection(lastLookup.conn, conn)) {
    return lastLookup.client;
  }
  const key = connectionKey(conn);
  let client = clients.get(key);
  if (!client) {
    client = new GraphClient({ connection: conn, pacer: pacerFor(throttlingKey(conn)) });
    clients.set(key, client);
  }
  lastLookup = { conn: { ...conn }, client };
  return client;
}

/** Drops every cached client (tests; after a secret rotation). */
export function clearGraphClients(): void {
  clients.clear();
  lastLookup = undefined;
}

/** Drops every process-wide cache of this layer: clients, credentials and tokens, pacers (tests). */
export function resetGraphCaches(): void {
  clearGraphClients();
  clearTokenCaches();
  clearPacers();
}
