/**
 * Errors and exit codes of the `graph-provisioning` CLI, and how an error becomes one line on stderr.
 */
import { redact } from "../provider/graph/redaction";

/** Exit codes: 0 success, 1 failure (Graph error, quarantine, timeout), 2 usage (bad flags or arguments). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Bad command-line input (a flag or argument value); the CLI exits with {@link EXIT_USAGE}. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A command ran but its outcome is a failure (e.g. the job is in quarantine); the CLI exits with
 * {@link EXIT_FAILURE} after the command printed its report.
 */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandFailure";
  }
}

/**
 * One line describing `error`, with credentials redacted (values in `secrets`, every secret the
 * client registered, bearer tokens, `client_secret=` forms). Never includes a stack trace;
 * multi-line messages (e.g. AADSTS descriptions with a trace id) are joined.
 */
export function errorLine(error: unknown, secrets: readonly (string | undefined)[] = []): string {
  const message =
    error instanceof Error ? error.message || error.name : typeof error === "string" ? error : String(error);
  return redact(message, secrets)
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .join(" ");
}
