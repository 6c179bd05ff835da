/**
 * Errors the emulator answers with. Handlers throw; one final handler (`errorHandler.ts`) turns them into
 * responses, so every failure leaves in Graph's envelope (graph-api.md §11) or, on the token side, in the
 * AADSTS shape of the Entra token endpoint (graph-api.md §12).
 */

/** One entry of the optional `details` array directory responses carry. */
export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** Extra parts of a Graph error: response headers, the inner error code and directory `details`. */
export interface EmulatorErrorOptions {
  headers?: Record<string, string>;
  innerCode?: string;
  details?: ErrorDetail[];
}

/** A Graph-side failure: HTTP status plus Graph's `error.code` and message. */
export class EmulatorError extends Error {
  override readonly name = "EmulatorError";
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly options: EmulatorErrorOptions = {},
  ) {
    super(message);
    Object.setPrototypeOf(this, EmulatorError.prototype);
  }
}

/** Guard by name, so errors from another copy of this module still match. */
export function isEmulatorError(e: unknown): e is EmulatorError {
  return e instanceof Error && e.name === "EmulatorError";
}

/** A token-endpoint failure, written as `{error, error_description: "AADSTSnnnn: …", error_codes, …}`. */
export class TokenEndpointError extends Error {
  override readonly name = "TokenEndpointError";
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly aadstsCode: number,
    readonly description: string,
  ) {
    super(`AADSTS${aadstsCode}: ${description}`);
    Object.setPrototypeOf(this, TokenEndpointError.prototype);
  }
}

export function isTokenEndpointError(e: unknown): e is TokenEndpointError {
  return e instanceof Error && e.name === "TokenEndpointError";
}

/** Graph's error code for a status the caller did not name (used by injected faults). */
export function defaultCodeForStatus(status: number): string {
  const codes: Record<number, string> = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "Authorization_RequestDenied",
    404: "Request_ResourceNotFound",
    409: "Request_MultipleObjectsWithSameKeyValue",
    412: "PreconditionFailed",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  };
  return codes[status] ?? (status >= 500 ? "InternalServerError" : "BadRequest");
}

/** Retry-After headers: whole seconds (rounded up) plus `x-ms-retry-after-ms` for sub-second precision. */
export function retryAfterHeaders(retryAfterMs: number): Record<string, string> {
  const ms = Math.max(0, Math.ceil(retryAfterMs));
  return { "Retry-After": String(Math.ceil(ms / 1000)), "x-ms-retry-after-ms": String(ms) };
}

/** Factory for the Graph errors handlers throw (Azurite's `StorageErrorFactory`). */
export const GraphErrors = {
  /** 404 `Request_ResourceNotFound` — also what a not-yet-replicated object answers. */
  notFound(id: string): EmulatorError {
    return new EmulatorError(
      404,
      "Request_ResourceNotFound",
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );
  },
  /** 404 for a path that names no operation. */
  routeNotFound(segment: string): EmulatorError {
    return new EmulatorError(404, "NotFound", `Resource not found for the segment '${segment}'.`);
  },
  methodNotAllowed(method: string): EmulatorError {
    return new EmulatorError(
      405,
      "Request_BadRequest",
      `Specified HTTP method '${method}' is not allowed for the request uri.`,
    );
  },
  badRequest(message: string, code = "Request_BadRequest", innerCode?: string): EmulatorError {
    return new EmulatorError(400, code, message, innerCode ? { innerCode } : {});
  },
  invalidJson(): EmulatorError {
    return new EmulatorError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  },
  invalidToken(message: string): EmulatorError {
    return new EmulatorError(401, "InvalidAuthenticationToken", message, {
      headers: { "WWW-Authenticate": 'Bearer realm="", error="invalid_token"' },
    });
  },
  tooManyRequests(retryAfterMs: number, message = "Too many requests."): EmulatorError {
    return new EmulatorError(429, "TooManyRequests", message, { headers: retryAfterHeaders(retryAfterMs) });
  },
};

/** Factory for token-endpoint errors, with the AADSTS codes Entra uses for these cases. */
export const TokenErrors = {
  tenantNotFound(tenant: string): TokenEndpointError {
    return new TokenEndpointError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  },
  clientNotFound(clientId: string, tenant: string): TokenEndpointError {
    return new TokenEndpointError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
    );
  },
  invalidSecret(clientId: string): TokenEndpointError {
    return new TokenEndpointError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  },
  missingParameter(name: string): TokenEndpointError {
    return new TokenEndpointError(
      400,
      "invalid_request",
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    );
  },
  unsupportedGrant(grant: string): TokenEndpointError {
    return new TokenEndpointError(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grant}'. Only 'client_credentials' is supported by the emulator.`,
    );
  },
  invalidScope(scope: string): TokenEndpointError {
    return new TokenEndpointError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  },
};
