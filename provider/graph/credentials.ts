/**
 * Authentication (design.md §4): an @azure/identity credential per connection, and one access token
 * per credential per process, reused until near expiry and shared by concurrent callers.
 */
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import type { Agent } from "node:http";
import type { ResolvedConnection } from "./connection";
import { credentialKey } from "./connection";
import { createHttpsAgent, proxyFor } from "./httpsAgent";

/** Entra authority hosts MSAL knows; any other host gets `disableInstanceDiscovery: true`. */
export const MICROSOFT_AUTHORITY_HOSTS: readonly string[] = [
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login-us.microsoftonline.com",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "login.microsoftonline.de",
  "login.windows.net",
  "login.microsoft.com",
  "sts.windows.net",
];

/**
 * True when `authorityHost` is a Microsoft Entra host. For other hosts (an emulator, ADFS, a test
 * server) instance discovery must be off, or MSAL asks login.microsoftonline.com about them.
 */
export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  try {
    return MICROSOFT_AUTHORITY_HOSTS.includes(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** The OAuth scope for Graph at `graphEndpoint`: `<graphEndpoint>/.default`. */
export function graphScope(graphEndpoint: string): string {
  return `${graphEndpoint.replace(/\/+$/, "")}/.default`;
}

/**
 * An @azure/core-rest-pipeline HttpClient that sends each https request through `agentFor(url)` (so
 * the Graph calls' CA and proxy rules apply to token calls too) and leaves http requests (e.g. the
 * managed-identity endpoint) alone. The agent it sets replaces the one the pipeline's own proxy
 * policy may have chosen.
 */
export function httpClientWithAgent(agentFor: (url: string) => Agent): HttpClient {
  const inner = createDefaultHttpClient();
  return {
    sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      if (request.url.startsWith("https:")) request.agent = agentFor(request.url);
      return inner.sendRequest(request);
    },
  };
}

/**
 * Agents for the token calls of `conn`, one per proxy route (direct or a proxy URL, chosen per
 * request URL by {@link proxyFor}), all trusting `conn.caFile`.
 */
function tokenAgents(conn: ResolvedConnection): (url: string) => Agent {
  const agents = new Map<string, Agent>();
  return (url) => {
    const proxy = proxyFor(url, conn.proxy);
    let agent = agents.get(proxy ?? "");
    if (!agent) {
      agent = createHttpsAgent({ caFile: conn.caFile, proxy });
      agents.set(proxy ?? "", agent);
    }
    return agent;
  };
}

/**
 * The credential for `conn`: `ClientSecretCredential` when it has a client secret (authority host
 * honoured; instance discovery off for non-Microsoft hosts), else `DefaultAzureCredential`
 * (environment, workload identity, managed identity, Azure CLI …) with `tenantId`/`clientId` as
 * hints. Token calls follow the same rules as the Graph calls: `caFile` trusted, the `proxy`
 * setting or HTTPS_PROXY / NO_PROXY honoured.
 */
export function createCredential(conn: ResolvedConnection): TokenCredential {
  const common = {
    authorityHost: conn.authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(conn.authorityHost),
    httpClient: httpClientWithAgent(tokenAgents(conn)),
  };
  if (conn.clientSecret) {
    if (!conn.tenantId || !conn.clientId) {
      throw new Error("connection: tenantId and clientId are required with a client secret");
    }
    return new ClientSecretCredential(conn.tenantId, conn.clientId, conn.clientSecret, common);
  }
  return new DefaultAzureCredential({
    ...common,
    ...(conn.tenantId ? { tenantId: conn.tenantId } : {}),
    ...(conn.clientId
      ? { managedIdentityClientId: conn.clientId, workloadIdentityClientId: conn.clientId }
      : {}),
  });
}

/** Options of {@link AccessTokenCache}. */
export interface AccessTokenCacheOptions {
  /** Refresh this long before expiry. Defaults to 300 000 ms (5 min); at most half the token's lifetime is used. */
  refreshMarginMs?: number;
  /** Clock in epoch milliseconds. Defaults to Date.now. */
  now?: () => number;
}

let processTokenRequests = 0;

/** Token requests made by every {@link AccessTokenCache} of this process (for benchmarks and tests). */
export function tokenRequestCount(): number {
  return processTokenRequests;
}

/**
 * Caches the access token of one credential and scope: callers share one token until
 * `refreshMarginMs` before it expires (or its `refreshAfterTimestamp`), and concurrent callers
 * share one in-flight request. Credential errors are passed through unchanged.
 */
export class AccessTokenCache {
  private token?: AccessToken;
  private refreshAt = 0;
  private inFlight?: Promise<string>;
  private requests = 0;
  private readonly refreshMarginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    options: AccessTokenCacheOptions = {},
  ) {
    this.refreshMarginMs = options.refreshMarginMs ?? 300_000;
    this.now = options.now ?? Date.now;
  }

  /** Calls made to the credential's `getToken` so far. */
  get tokenRequests(): number {
    return this.requests;
  }

  /** A valid bearer token, from the cache when fresh enough. */
  getToken(): Promise<string> {
    if (this.token && this.now() < this.refreshAt) return Promise.resolve(this.token.token);
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * Forgets the cached token, so that the next call asks the credential again. With `token` (one
   * Graph rejected), only when it is still the cached one: a caller that already got a newer token
   * does not make everyone fetch yet another.
   */
  invalidate(token?: string): void {
    if (token !== undefined && this.token?.token !== token) return;
    this.token = undefined;
    this.refreshAt = 0;
  }

  private async fetch(): Promise<string> {
    this.requests++;
    processTokenRequests++;
    const acquiredAt = this.now();
    const token = await this.credential.getToken(this.scope);
    // Redaction of the token is registered by the GraphClient, the one place every token is used.
    if (!token?.token) throw new Error(`The credential returned no access token for scope ${this.scope}`);
    const lifetime = token.expiresOnTimestamp - acquiredAt;
    const margin = Math.min(this.refreshMarginMs, Math.max(0, lifetime / 2));
    this.token = token;
    this.refreshAt = Math.min(token.refreshAfterTimestamp ?? Infinity, token.expiresOnTimestamp - margin);
    return token.token;
  }
}

const tokenCaches = new Map<string, AccessTokenCache>();

/**
 * The process-wide token cache for `conn` (one credential and one token per credential key, however
 * many resources and clients use it).
 */
export function tokenCacheFor(conn: ResolvedConnection): AccessTokenCache {
  const key = credentialKey(conn);
  let cache = tokenCaches.get(key);
  if (!cache) {
    cache = new AccessTokenCache(createCredential(conn), graphScope(conn.graphEndpoint));
    tokenCaches.set(key, cache);
  }
  return cache;
}

/** Drops every cached credential and token (tests; a process that rotated its secret). */
export function clearTokenCaches(): void {
  tokenCaches.clear();
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `tid` claim (tenant id, lowercased) of an access token, or null when the token is not a JWT
 * or names no tenant. The token was just issued to us by the authority: it is decoded, not verified.
 */
export function tenantOfToken(token: string): string | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { tid?: unknown };
    return typeof claims.tid === "string" && claims.tid !== "" ? claims.tid.toLowerCase() : null;
  } catch {
    return null;
  }
}

/**
 * The id (GUID, lowercased) of the tenant `conn`'s credentials act in: the configured tenantId when it
 * is a GUID, else the `tid` claim of its access token (the process-wide cached one); null when neither
 * tells.
 */
export async function tenantOfConnection(conn: ResolvedConnection): Promise<string | null> {
  if (conn.tenantId !== undefined && GUID.test(conn.tenantId)) return conn.tenantId.toLowerCase();
  return tenantOfToken(await tokenCacheFor(conn).getToken());
}
