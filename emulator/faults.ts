/**
 * Fault injection: rules matched by method and path pattern that answer with a status, reset the
 * connection, add delay, apply the operation and then drop the response (the client sees a reset but
 * the write happened — the case POST-adoption logic exists for), apply it and then answer an error
 * status (a gateway's 500/502/504 after the backend acted), or hold the request and apply it late,
 * even after the client gave up waiting (the client sees a timeout but the write happens afterwards).
 */
import { randomUUID } from "crypto";

/** What a fault does. */
export type FaultKind = "status" | "reset" | "delay" | "dropResponse" | "applyThenStatus" | "late";

/** A fault to inject. */
export interface FaultSpec {
  /** HTTP method to match (any case); any method when omitted. */
  method?: string;
  /**
   * Pattern tested against the request path including the query string (e.g.
   * `/v1.0/servicePrincipals/…/synchronization/jobs`): a regular expression, or a plain substring when the
   * text is not a valid regular expression. Required.
   */
  pathPattern: string;
  /**
   * What to do; defaults to "status". "status": answer an error, not applied. "reset": destroy the
   * socket, not applied. "delay": wait `delayMs`, then handle normally (never applied once the client
   * went away). "dropResponse": apply, then destroy the socket. "applyThenStatus": apply, then answer
   * `status` (default 504) in Graph's envelope instead of the result. "late": wait `delayMs`, apply even
   * if the client went away, then answer if it is still connected.
   */
  kind?: FaultKind;
  /** For kinds "status" and "applyThenStatus": the HTTP status. Defaults to 503 and 504. */
  status?: number;
  /** For kinds "status" and "applyThenStatus": Graph error code. Defaults to Graph's code for the status (429 ⇒ TooManyRequests). */
  code?: string;
  /** For kinds "status" and "applyThenStatus": error message. */
  message?: string;
  /** Sets `Retry-After` (whole seconds). */
  retryAfterSeconds?: number;
  /**
   * Sets `Retry-After` to exactly this text, e.g. "0", "-5" or an HTTP date in the past (what a
   * misbehaving proxy or clock sends). Wins over `retryAfterSeconds`.
   */
  retryAfterText?: string;
  /** Sets `x-ms-retry-after-ms` (and `Retry-After` rounded up when retryAfterSeconds is not given). */
  retryAfterMs?: number;
  /**
   * For kinds "delay" and "late": milliseconds the request is held before it is handled. Defaults to 1000.
   * A "delay" request whose client went away meanwhile is never applied; a "late" one is applied anyway.
   */
  delayMs?: number;
  /** How many matching requests it hits. Defaults to 1; a negative number means unlimited. */
  count?: number;
  /** Chance (0..1) that a matching request is hit; a miss does not use up `count`. Defaults to 1. */
  probability?: number;
}

/** An injected fault as the emulator keeps it. */
export interface ActiveFault extends Required<Pick<FaultSpec, "kind" | "count" | "probability">> {
  id: string;
  spec: FaultSpec;
  /** Requests it has hit so far. */
  hits: number;
}

const KINDS: FaultKind[] = ["status", "reset", "delay", "dropResponse", "late", "applyThenStatus"];

/** Checks a fault spec; throws an Error naming the bad field and what is allowed. */
export function validateFault(spec: FaultSpec): void {
  if (!spec || typeof spec !== "object")
    throw new Error("fault: expected an object with at least pathPattern");
  if (typeof spec.pathPattern !== "string" || spec.pathPattern.length === 0) {
    throw new Error("fault.pathPattern: required, a regular expression or substring of the request path");
  }
  if (spec.method !== undefined && (typeof spec.method !== "string" || !/^[A-Za-z]+$/.test(spec.method))) {
    throw new Error("fault.method: must be an HTTP method name such as GET or POST");
  }
  if (spec.kind !== undefined && !KINDS.includes(spec.kind)) {
    throw new Error(`fault.kind: must be one of ${KINDS.join(", ")}`);
  }
  if (
    spec.status !== undefined &&
    (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
  ) {
    throw new Error("fault.status: must be an integer HTTP error status between 400 and 599");
  }
  if (
    spec.retryAfterText !== undefined &&
    (typeof spec.retryAfterText !== "string" || !/^[\x20-\x7e]{1,100}$/.test(spec.retryAfterText))
  ) {
    throw new Error("fault.retryAfterText: must be 1 to 100 printable ASCII characters (a header value)");
  }
  for (const field of ["retryAfterSeconds", "retryAfterMs", "delayMs"] as const) {
    const v = spec[field];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) {
      throw new Error(`fault.${field}: must be a non-negative number`);
    }
  }
  if (
    spec.count !== undefined &&
    (typeof spec.count !== "number" || Number.isNaN(spec.count) || spec.count === 0)
  ) {
    throw new Error("fault.count: must be a positive number of requests, or negative for unlimited");
  }
  if (
    spec.probability !== undefined &&
    (typeof spec.probability !== "number" || !(spec.probability > 0 && spec.probability <= 1))
  ) {
    throw new Error("fault.probability: must be a number in (0, 1]");
  }
}

function patternMatches(pattern: string, path: string): boolean {
  try {
    return new RegExp(pattern).test(path);
  } catch {
    return path.includes(pattern);
  }
}

/** The set of injected faults, consulted in injection order. */
export class FaultInjector {
  private faults: ActiveFault[] = [];

  /** Adds a fault; returns its id. */
  add(spec: FaultSpec): string {
    validateFault(spec);
    const fault: ActiveFault = {
      id: randomUUID(),
      spec: { ...spec },
      kind: spec.kind ?? "status",
      count: spec.count ?? 1,
      probability: spec.probability ?? 1,
      hits: 0,
    };
    this.faults.push(fault);
    return fault.id;
  }

  clear(): void {
    this.faults = [];
  }

  /** Faults still active. */
  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f, spec: { ...f.spec } }));
  }

  /** The first active fault matching this request, used up by one; undefined when none hits. */
  take(method: string, pathWithQuery: string): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (fault.spec.method && fault.spec.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!patternMatches(fault.spec.pathPattern, pathWithQuery)) continue;
      if (fault.probability < 1 && Math.random() >= fault.probability) continue;
      fault.hits++;
      if (fault.count > 0 && fault.hits >= fault.count) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return undefined;
  }
}
