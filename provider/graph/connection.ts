/**
 * Where a resource's Graph calls go and with which credentials (design.md §4): the per-resource
 * `connection` input, else the stack config namespace `graphProvisioning`, else the environment.
 */
import { createHash } from "node:crypto";
import { registerSecret } from "./redaction";

/** The Graph API versions this package works with. */
export const API_VERSIONS = ["v1.0", "beta"] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/** Stack config namespace read by {@link resolveConnection} (keys like `graphProvisioning:tenantId`). */
export const CONFIG_NAMESPACE = "graphProvisioning";

/** Default Entra authority host. */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
/** Default Microsoft Graph endpoint (without version). */
export const DEFAULT_GRAPH_ENDPOINT = "https://graph.microsoft.com";
/** Default API version. */
export const DEFAULT_API_VERSION: ApiVersion = "v1.0";
/** Default timeout of one HTTP request, in seconds. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;
/** Default time a 404 on a just-created parent counts as replication delay, in seconds. */
export const DEFAULT_REPLICATION_TIMEOUT_SECONDS = 120;

/** The per-resource `connection` input (design.md §4). Every field is optional. */
export interface ConnectionInput {
  /** Entra tenant id (GUID or verified domain). Falls back to `graphProvisioning:tenantId`, then AZURE_TENANT_ID. */
  tenantId?: string;
  /** Application (client) id. Falls back to `graphProvisioning:clientId`, then AZURE_CLIENT_ID. */
  clientId?: string;
  /** Client secret (mark it secret). None anywhere ⇒ DefaultAzureCredential. Falls back to config, then AZURE_CLIENT_SECRET. */
  clientSecret?: string;
  /** https URL of the Entra authority. Defaults to https://login.microsoftonline.com (env AZURE_AUTHORITY_HOST). */
  authorityHost?: string;
  /** http(s) URL of Microsoft Graph, without version. Defaults to https://graph.microsoft.com (env GRAPH_PROVISIONING_ENDPOINT). */
  graphEndpoint?: string;
  /** Defaults to "v1.0". */
  apiVersion?: "v1.0" | "beta";
  /** Path of a PEM file with extra CA certificates to trust for token and Graph calls (env GRAPH_PROVISIONING_CA_FILE, then NODE_EXTRA_CA_CERTS). */
  caFile?: string;
  /** Timeout of one HTTP request, in seconds. Defaults to 60. */
  requestTimeoutSeconds?: number;
  /** How long a 404 on a just-created parent counts as replication delay, in seconds. Defaults to 120. */
  replicationTimeoutSeconds?: number;
  /**
   * http(s) URL of the HTTPS proxy for the token and Graph calls, or "direct" for none, overriding
   * HTTPS_PROXY / NO_PROXY (env GRAPH_PROVISIONING_PROXY). Unset: HTTPS_PROXY, then ALL_PROXY, except
   * for hosts in NO_PROXY. A proxy URL with a password belongs in a secret.
   */
  proxy?: string;
}

/** Read access to the provider's stack config; keys are namespaced (`graphProvisioning:tenantId`). */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/**
 * A connection with every default applied and every field validated. URLs have no trailing slash.
 * `tenantId`/`clientId` may be undefined only when `clientSecret` is (DefaultAzureCredential then
 * finds its own). Holds the client secret: never serialize or log it.
 */
export interface ResolvedConnection {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  authorityHost: string;
  graphEndpoint: string;
  apiVersion: ApiVersion;
  caFile?: string;
  requestTimeoutSeconds: number;
  replicationTimeoutSeconds: number;
  /** The `proxy` setting; undefined ⇒ the environment's HTTPS_PROXY / NO_PROXY decide (httpsAgent.ts). */
  proxy?: string;
}

/** A field that failed validation: `property` is e.g. `connection.graphEndpoint`. */
export interface ConnectionFieldError {
  property: string;
  reason: string;
}

// Pulumi hands `check` this literal for a value not known during preview (engine-notes.md).
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Field = keyof ConnectionInput;
const FIELDS: readonly Field[] = [
  "tenantId",
  "clientId",
  "clientSecret",
  "authorityHost",
  "graphEndpoint",
  "apiVersion",
  "caFile",
  "requestTimeoutSeconds",
  "replicationTimeoutSeconds",
  "proxy",
];

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");
}

function checkUrl(value: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must be an absolute ${allowHttp ? "http(s)" : "https"} URL, got "${value}"`;
  }
  const okProtocols = allowHttp ? ["https:", "http:"] : ["https:"];
  if (!okProtocols.includes(url.protocol)) {
    return `must use ${allowHttp ? "http or https" : "https"}, got "${value}"`;
  }
  if (url.search || url.hash || url.username || url.password) {
    return `must not contain a query, fragment or user info, got "${value}"`;
  }
  return undefined;
}

/** A proxy is "direct" or an http(s) URL with a host and nothing after it (user info allowed). */
function checkProxy(value: string): string | undefined {
  if (value === "direct") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never echo the value: it may carry the proxy's password.
    return 'must be "direct" or an http(s) URL such as http://proxy.example.com:3128';
  }
  if (!["http:", "https:"].includes(url.protocol) || !url.hostname) {
    return `must be "direct" or an http(s) URL, got protocol "${url.protocol}"`;
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    return "must be a proxy's address only (scheme, host, port), with no path, query or fragment";
  }
  return undefined;
}

function checkPositiveNumber(value: unknown): string | undefined {
  const n = typeof value === "string" ? Number(value.trim()) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
    return `must be a positive number of seconds, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** The reason `value` is not allowed for `field`, or undefined when it is. */
function fieldProblem(field: Field, value: unknown): string | undefined {
  switch (field) {
    case "authorityHost":
      return typeof value === "string" ? checkUrl(value.trim(), false) : "must be a string";
    case "graphEndpoint":
      return typeof value === "string" ? checkUrl(value.trim(), true) : "must be a string";
    case "apiVersion":
      return (API_VERSIONS as readonly unknown[]).includes(value)
        ? undefined
        : `must be one of ${API_VERSIONS.map((v) => `"${v}"`).join(", ")}, got ${JSON.stringify(value)}`;
    case "requestTimeoutSeconds":
    case "replicationTimeoutSeconds":
      return checkPositiveNumber(value);
    case "proxy":
      return typeof value === "string" ? checkProxy(value.trim()) : "must be a string";
    default:
      // Never echo the value: it may be the client secret.
      return typeof value === "string" ? undefined : "must be a string";
  }
}

/**
 * Validates a `connection` input without resolving it, for a provider's `check`: one entry per bad
 * field, `property` prefixed with `prefix` (default `"connection"`). Unknown preview values are
 * accepted. Unknown field names are reported too.
 */
export function validateConnectionInput(input: unknown, prefix = "connection"): ConnectionFieldError[] {
  if (input === undefined || input === null || input === UNKNOWN_VALUE) return [];
  if (typeof input !== "object" || Array.isArray(input)) {
    return [{ property: prefix, reason: `must be an object with fields ${FIELDS.join(", ")}` }];
  }
  const errors: ConnectionFieldError[] = [];
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      errors.push({
        property: `${prefix}.${key}`,
        reason: `is not a connection field; allowed: ${FIELDS.join(", ")}`,
      });
      continue;
    }
    if (!isSet(value) || value === UNKNOWN_VALUE) continue;
    const problem = fieldProblem(key as Field, value);
    if (problem) errors.push({ property: `${prefix}.${key}`, reason: problem });
  }
  return errors;
}

interface Source {
  name: (field: Field) => string;
  get: (field: Field) => unknown;
}

function envName(field: Field): string[] {
  switch (field) {
    case "tenantId":
      return ["AZURE_TENANT_ID"];
    case "clientId":
      return ["AZURE_CLIENT_ID"];
    case "clientSecret":
      return ["AZURE_CLIENT_SECRET"];
    case "authorityHost":
      return ["AZURE_AUTHORITY_HOST"];
    case "graphEndpoint":
      return ["GRAPH_PROVISIONING_ENDPOINT"];
    case "caFile":
      return ["GRAPH_PROVISIONING_CA_FILE", "NODE_EXTRA_CA_CERTS"];
    case "proxy":
      return ["GRAPH_PROVISIONING_PROXY"];
    default:
      return [];
  }
}

/**
 * Resolves a connection with precedence `input` > `config` (`graphProvisioning:<field>`) > `env`
 * (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST,
 * GRAPH_PROVISIONING_ENDPOINT, GRAPH_PROVISIONING_CA_FILE then NODE_EXTRA_CA_CERTS,
 * GRAPH_PROVISIONING_PROXY), then defaults. HTTPS_PROXY / NO_PROXY are not read here but per request
 * (httpsAgent.ts), when `proxy` is unset. Empty strings count as unset. Numbers from config arrive as
 * strings and are parsed. The client secret and a proxy's password are registered for redaction.
 *
 * @throws Error naming the field, where its value came from and what is allowed, when a value is
 *   invalid, or when a client secret is given without tenantId or clientId.
 */
export function resolveConnection(
  input?: ConnectionInput,
  config?: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnection {
  const inputErrors = validateConnectionInput(input);
  if (inputErrors.length > 0) {
    throw new Error(`Invalid connection: ${inputErrors.map((e) => `${e.property} ${e.reason}`).join("; ")}`);
  }
  const sources: Source[] = [
    { name: (f) => `connection.${f}`, get: (f) => (input as Record<string, unknown> | undefined)?.[f] },
    { name: (f) => `config ${CONFIG_NAMESPACE}:${f}`, get: (f) => config?.get(`${CONFIG_NAMESPACE}:${f}`) },
    {
      name: (f) => `environment variable ${envName(f).find((n) => isSet(env[n])) ?? f}`,
      get: (f) =>
        envName(f)
          .map((n) => env[n])
          .find(isSet),
    },
  ];
  const problems: string[] = [];
  const pick = (field: Field): unknown => {
    for (const source of sources) {
      const value = source.get(field);
      if (!isSet(value)) continue;
      const problem = fieldProblem(field, value);
      if (problem) problems.push(`${source.name(field)} ${problem}`);
      return typeof value === "string" ? value.trim() : value;
    }
    return undefined;
  };
  const str = (field: Field) => pick(field) as string | undefined;
  const num = (field: Field, fallback: number) => {
    const v = pick(field);
    return v === undefined ? fallback : Number(v);
  };
  const conn: ResolvedConnection = {
    tenantId: str("tenantId"),
    clientId: str("clientId"),
    clientSecret: str("clientSecret"),
    authorityHost: (str("authorityHost") ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, ""),
    graphEndpoint: (str("graphEndpoint") ?? DEFAULT_GRAPH_ENDPOINT).replace(/\/+$/, ""),
    apiVersion: (str("apiVersion") as ApiVersion | undefined) ?? DEFAULT_API_VERSION,
    caFile: str("caFile"),
    requestTimeoutSeconds: num("requestTimeoutSeconds", DEFAULT_REQUEST_TIMEOUT_SECONDS),
    replicationTimeoutSeconds: num("replicationTimeoutSeconds", DEFAULT_REPLICATION_TIMEOUT_SECONDS),
    proxy: str("proxy"),
  };
  const proxyPassword = conn.proxy && URL.canParse(conn.proxy) ? new URL(conn.proxy).password : "";
  if (proxyPassword) {
    registerSecret(proxyPassword);
    registerSecret(decodeURIComponent(proxyPassword));
  }
  if (conn.clientSecret) {
    registerSecret(conn.clientSecret);
    for (const field of ["tenantId", "clientId"] as const) {
      if (!conn[field]) {
        problems.push(
          `${field} is required when a client secret is given (set connection.${field}, config ` +
            `${CONFIG_NAMESPACE}:${field} or ${envName(field)[0]})`,
        );
      }
    }
  }
  if (problems.length > 0) throw new Error(`Invalid connection: ${problems.join("; ")}`);
  for (const key of Object.keys(conn) as (keyof ResolvedConnection)[]) {
    if (conn[key] === undefined) delete conn[key];
  }
  return conn;
}

/**
 * Where a resource lives (design.md §3 "Target"): the tenant as configured (lowercased; a GUID or a
 * verified domain, null when only the credential chain knows it) and the Graph endpoint (no trailing
 * slash). Holds no credential.
 */
export interface ResourceTarget {
  tenantId: string | null;
  graphEndpoint: string;
}

/**
 * The target of a `connection` input over stack config over the environment, with the precedence,
 * empty-is-unset rule and default of {@link resolveConnection}, without validating anything else (the
 * program side computes it; `check` reports bad fields).
 */
export function resolveTarget(
  input?: ConnectionInput,
  config?: ConfigSource,
  env: NodeJS.ProcessEnv = process.env,
): ResourceTarget {
  const pick = (field: "tenantId" | "graphEndpoint"): string | undefined => {
    const candidates = [
      (input as Record<string, unknown> | undefined)?.[field],
      config?.get(`${CONFIG_NAMESPACE}:${field}`),
      ...envName(field).map((n) => env[n]),
    ];
    const value = candidates.find(isSet);
    return typeof value === "string" ? value.trim() : undefined;
  };
  return {
    tenantId: pick("tenantId")?.toLowerCase() ?? null,
    graphEndpoint: (pick("graphEndpoint") ?? DEFAULT_GRAPH_ENDPOINT).replace(/\/+$/, ""),
  };
}

/** The target of a resolved connection (see {@link ResourceTarget}). */
export function targetOfConnection(conn: ResolvedConnection): ResourceTarget {
  return { tenantId: conn.tenantId?.toLowerCase() ?? null, graphEndpoint: conn.graphEndpoint };
}

/** True when two targets name the same tenant and endpoint (case and trailing slashes ignored). */
export function sameTarget(a: ResourceTarget, b: ResourceTarget): boolean {
  const endpoint = (t: ResourceTarget) => t.graphEndpoint.replace(/\/+$/, "").toLowerCase();
  return (a.tenantId ?? "").toLowerCase() === (b.tenantId ?? "").toLowerCase() && endpoint(a) === endpoint(b);
}

/** sha256 hex of `text`, truncated; enough to tell secrets apart without revealing them. */
export function fingerprint(text: string): string {
  return createHash("sha256").update("graph-provisioning:").update(text).digest("hex").slice(0, 32);
}

/** The fields that choose a credential and where its tokens are used; the secret as a fingerprint. */
function credentialParts(conn: ResolvedConnection): (string | null)[] {
  return [
    conn.tenantId ?? null,
    conn.clientId ?? null,
    conn.clientSecret === undefined ? null : fingerprint(conn.clientSecret),
    conn.authorityHost,
    conn.graphEndpoint,
    conn.caFile ?? null,
    // The proxy URL may hold a password.
    conn.proxy === undefined ? null : fingerprint(conn.proxy),
  ];
}

/**
 * A stable key identifying `conn` (same connection ⇒ same key, in any process), for caches of
 * clients and credentials. The client secret enters only as a salted sha256 fingerprint.
 */
export function connectionKey(conn: ResolvedConnection): string {
  return JSON.stringify([...credentialParts(conn), conn.apiVersion, conn.requestTimeoutSeconds]);
}

/**
 * The key of the credential `conn` needs: connections that differ only in API version or timeouts
 * share one credential and one token. The secret enters only as a fingerprint.
 */
export function credentialKey(conn: ResolvedConnection): string {
  return JSON.stringify(credentialParts(conn));
}

/**
 * The key Graph throttles by: one app in one tenant at one Graph endpoint (never the secret). Shared
 * by the write/read pacer and the provisioning-logs rate limiter.
 */
export function throttlingKey(
  conn: Pick<ResolvedConnection, "graphEndpoint" | "tenantId" | "clientId">,
): string {
  return JSON.stringify([conn.graphEndpoint, conn.tenantId ?? null, conn.clientId ?? null]);
}

/** A copy of `conn` safe to print: the client secret and a proxy's password are replaced by `"[REDACTED]"`. */
export function describeConnection(conn: ResolvedConnection): Record<string, unknown> {
  const proxy = conn.proxy && URL.canParse(conn.proxy) ? new URL(conn.proxy) : undefined;
  if (proxy?.password) proxy.password = "[REDACTED]";
  return {
    ...conn,
    ...(conn.clientSecret === undefined ? {} : { clientSecret: "[REDACTED]" }),
    ...(proxy ? { proxy: proxy.href.replace(/\/$/, "") } : {}),
  };
}
