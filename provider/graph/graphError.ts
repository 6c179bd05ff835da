/**
 * The one error type of the Graph client (design.md §5). Every failure of a Graph call — an HTTP
 * error status, a transport failure, a timeout, an unparsable body — becomes a `GraphError`, built
 * in one place (`graphClient.ts`), with secrets redacted before the message and stack exist.
 */
import { redact, redactValue } from "./redaction";

export { redact, registerSecret, redactValue, REDACTED } from "./redaction";

/** One entry of the `details` array of a directory error envelope. */
export interface GraphErrorDetail {
  code?: string;
  message?: string;
  target?: string;
}

/** Everything a {@link GraphError} is built from. Strings are redacted by the constructor. */
export interface GraphErrorInit {
  /** HTTP status; 0 when no response arrived (transport failure, timeout). */
  statusCode: number;
  /** Graph's `error.code`, or one of the `GraphError` statics for failures without a Graph body. */
  code: string;
  /** Graph's `error.message`, or a description of the transport failure. */
  graphMessage: string;
  /** HTTP method, upper case. */
  method: string;
  /** Path relative to the versioned base URL, without the query string (e.g. `/servicePrincipals/abc`). */
  path: string;
  /** The `request-id` response header, else `error.innerError["request-id"]`. */
  requestId?: string;
  /** The `client-request-id` this client sent. */
  clientRequestId?: string;
  /** `error.innerError.date`. */
  date?: string;
  /** Server-requested wait from `x-ms-retry-after-ms` or `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
  /** `error.innerError.code`, when Graph nests a more specific code. */
  innerCode?: string;
  /** `error.details` of directory errors. */
  details?: GraphErrorDetail[];
  /** A sentence appended to the message (e.g. why retrying stopped). */
  note?: string;
  /** Number of attempts made before giving up (1 when the request was not retried). */
  attempts?: number;
}

const SYNC_PERMISSIONS =
  "the app registration likely lacks the Microsoft Graph application permission " +
  "Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy, with the app as owner of the " +
  "service principal); grant it and give admin consent";
const LOG_PERMISSIONS =
  "reading provisioning logs needs both Microsoft Graph permissions AuditLog.Read.All and " +
  "Directory.Read.All, with admin consent";
const APP_PERMISSIONS =
  "the app registration likely lacks the Microsoft Graph application permission " +
  "Application.ReadWrite.OwnedBy (or Application.ReadWrite.All); grant it and give admin consent";
const TOKEN_REJECTED =
  "the access token was rejected; check tenantId, clientId, authorityHost and graphEndpoint";

/**
 * The likely cause of a 401/403, named after the path (design.md §5), or `undefined` for other
 * statuses. Sync endpoints answer 401 rather than 403 when the permission is missing (graph-api.md §11).
 */
export function permissionHint(statusCode: number, path: string, code?: string): string | undefined {
  if (statusCode !== 401 && statusCode !== 403) return undefined;
  if (code === "InvalidAuthenticationToken") return TOKEN_REJECTED;
  if (/\/synchronization(\/|$)/.test(path)) return SYNC_PERMISSIONS;
  if (path.startsWith("/auditLogs")) return LOG_PERMISSIONS;
  if (/^\/(applications|servicePrincipals|applicationTemplates|directory)(\/|$)/.test(path))
    return APP_PERMISSIONS;
  return undefined;
}

/**
 * A failed Microsoft Graph call. The message reads
 * `POST /servicePrincipals/{id}/synchronization/secrets: 400 BadRequest: <Graph message> (request-id …)`,
 * followed by a permission hint on 401/403. No field, message, stack or JSON form holds a secret:
 * all text is redacted at construction, and no request object or raw response is kept.
 */
export class GraphError extends Error {
  /** `code` of a request that could not be sent or whose connection failed (statusCode 0). */
  static readonly REQUEST_SEND_ERROR = "REQUEST_SEND_ERROR";
  /** `code` of a request that got no complete response within the request timeout (statusCode 0). */
  static readonly TIMEOUT = "TIMEOUT";
  /** `code` of a response whose body is not the JSON Graph promises. */
  static readonly PARSE_ERROR = "PARSE_ERROR";
  /**
   * `code` of a request never sent because its lane was throttled past the request's own deadline
   * (statusCode 429: Graph's verdict on the lane, not on this request, which was not applied).
   */
  static readonly THROTTLED = "THROTTLED";

  /** HTTP status; 0 when no response arrived. */
  readonly statusCode: number;
  /** Graph's `error.code` (branch on this, never on the message), or a static of this class. */
  readonly code: string;
  /** Graph's own message (redacted), without the method/path/status prefix. */
  readonly graphMessage: string;
  /** HTTP method, upper case. */
  readonly method: string;
  /** Path relative to the versioned base URL, without the query string. */
  readonly path: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly date?: string;
  /** Server-requested wait in milliseconds (`x-ms-retry-after-ms`, else `Retry-After`). */
  readonly retryAfterMs?: number;
  readonly innerCode?: string;
  readonly details?: GraphErrorDetail[];
  /** Attempts made before this error was thrown (1 = not retried). */
  readonly attempts: number;
  /** Permission hint included in the message, if any. */
  readonly hint?: string;
  declare private readonly init: GraphErrorInit;

  constructor(init: GraphErrorInit) {
    const graphMessage = redact(init.graphMessage);
    const hint = permissionHint(init.statusCode, init.path, init.code);
    const status = init.statusCode === 0 ? "no response" : String(init.statusCode);
    let message = `${init.method} ${redact(init.path)}: ${status} ${init.code}: ${graphMessage}`;
    if (init.requestId) message += ` (request-id ${init.requestId})`;
    if (hint) message += ` — ${hint}`;
    if (init.note) message += ` ${redact(init.note)}`;
    super(message);
    this.name = "GraphError";
    Object.setPrototypeOf(this, GraphError.prototype);
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.graphMessage = graphMessage;
    this.method = init.method;
    this.path = redact(init.path);
    this.requestId = init.requestId;
    this.clientRequestId = init.clientRequestId;
    this.date = init.date;
    this.retryAfterMs = init.retryAfterMs;
    this.innerCode = init.innerCode;
    this.details = init.details ? redactValue(init.details) : undefined;
    this.attempts = init.attempts ?? 1;
    this.hint = hint;
    // Kept (redacted) so that withNote can rebuild the error; not enumerable, so inspect stays short.
    Object.defineProperty(this, "init", {
      value: { ...init, graphMessage, path: this.path, details: this.details },
      enumerable: false,
    });
  }

  /** A copy of this error with `note` appended to the message and `attempts` updated. */
  withNote(note: string, attempts?: number): GraphError {
    return new GraphError({
      ...this.init,
      note: this.init.note ? `${this.init.note} ${note}` : note,
      attempts: attempts ?? this.attempts,
    });
  }

  /** Plain JSON form, safe to log or store (no secrets, no request or response objects). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      statusCode: this.statusCode,
      code: this.code,
      graphMessage: this.graphMessage,
      method: this.method,
      path: this.path,
      requestId: this.requestId,
      clientRequestId: this.clientRequestId,
      date: this.date,
      retryAfterMs: this.retryAfterMs,
      innerCode: this.innerCode,
      details: this.details,
      attempts: this.attempts,
    };
  }
}

/**
 * True when `e` is a {@link GraphError}. Matches on `name`, so it also holds for errors from
 * another copy of this package loaded in the same process.
 */
export function isGraphError(e: unknown): e is GraphError {
  return e instanceof Error && e.name === "GraphError";
}
