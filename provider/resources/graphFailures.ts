/**
 * How the resources read a failed Graph call: the client's `GraphError` carries `statusCode` (0 when
 * no response arrived) and Graph's `code`.
 */
import { isGraphError } from "../graph/graphError";

/** True for a Graph 404: on read/delete the object is gone; on a fresh parent, replication. */
export function isNotFound(error: unknown): boolean {
  return isGraphError(error) && error.statusCode === 404;
}

/**
 * True when a POST may have been applied although its response was lost: no response (connection
 * reset, timeout: statusCode 0) or a 5xx. Such a POST is looked up before repeating.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  return isGraphError(error) && (error.statusCode === 0 || error.statusCode >= 500);
}

/** The error's message, for wrapping in a message of our own (GraphError messages are redacted). */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An Error saying what failed (`what`) followed by the Graph failure's message, keeping the original
 * as `cause`. Values listed in `secrets` are replaced by `***` in the message, in case Graph echoed one.
 */
export function failure(what: string, error: unknown, secrets: readonly string[] = []): Error {
  return new Error(redact(`${what}: ${messageOf(error)}`, secrets), { cause: error });
}

/** Replaces every occurrence of each secret value (4 characters or longer) with `***`. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/**
 * Thrown from create/update when the object exists but did not become ready (e.g. a quarantined
 * job): the Pulumi host reports it as ErrorResourceInitFailed, so the engine records the resource
 * (with `properties`) instead of forgetting it, and the next `up` updates it.
 */
export class ResourceInitError extends Error {
  /** Resource id of the object that exists. */
  readonly id: string;
  /** Outputs to record for it. */
  readonly properties: object;
  /** Why it is not ready. */
  readonly reasons: string[];

  constructor(id: string, properties: object, reason: string) {
    super(reason);
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [reason];
  }
}
