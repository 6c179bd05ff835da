/**
 * The one final error handler: known errors become Graph's envelope (or the AADSTS body on the token side);
 * anything else is a 500 `InternalServerError`, reported on stderr unless quiet.
 */
import { isEmulatorError, isTokenEndpointError } from "./errors";
import type { EmulatorResponse } from "./handlers/baseHandler";

/** `innerError.date` as Graph writes it: second precision, no zone suffix. */
function graphDate(): string {
  return new Date().toISOString().slice(0, 19);
}

/** Converts a thrown value into the response the client gets. */
export function errorResponse(
  e: unknown,
  ids: { requestId: string; clientRequestId: string },
  url: URL,
  quiet: boolean,
): EmulatorResponse {
  if (isTokenEndpointError(e)) {
    const timestamp = new Date()
      .toISOString()
      .replace("T", " ")
      .replace(/\.\d+Z$/, "Z");
    return {
      status: e.statusCode,
      body: {
        error: e.error,
        error_description: `AADSTS${e.aadstsCode}: ${e.description}\r\nTrace ID: ${ids.requestId}\r\nCorrelation ID: ${ids.clientRequestId}\r\nTimestamp: ${timestamp}`,
        error_codes: [e.aadstsCode],
        timestamp,
        trace_id: ids.requestId,
        correlation_id: ids.clientRequestId,
        error_uri: `${url.origin}/error?code=${e.aadstsCode}`,
      },
    };
  }
  if (isEmulatorError(e)) {
    const innerError: Record<string, unknown> = {
      date: graphDate(),
      "request-id": ids.requestId,
      "client-request-id": ids.clientRequestId,
    };
    if (e.options.innerCode) innerError.code = e.options.innerCode;
    const error: Record<string, unknown> = { code: e.code, message: e.message, innerError };
    if (e.options.details) error.details = e.options.details;
    return { status: e.statusCode, body: { error }, headers: e.options.headers };
  }
  if (!quiet)
    process.stderr.write(
      `graph-provisioning-emulator: internal error: ${(e as Error)?.stack ?? String(e)}\n`,
    );
  return {
    status: 500,
    body: {
      error: {
        code: "InternalServerError",
        message: `The emulator failed to handle the request: ${(e as Error)?.message ?? String(e)}`,
        innerError: {
          date: graphDate(),
          "request-id": ids.requestId,
          "client-request-id": ids.clientRequestId,
        },
      },
    },
  };
}
