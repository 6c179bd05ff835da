/**
 * Parsing of the CLI's time and duration arguments.
 */
import { UsageError } from "./cliErrors";

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a time argument: an ISO 8601 date-time (`2024-05-01T08:00:00Z`, `2024-05-01`) or a duration
 * before `now` (`90s`, `15m`, `1h`, `2d`, `1w`; decimals allowed, e.g. `1.5h`). Throws a
 * {@link UsageError} naming `flag` otherwise.
 */
export function parseTimeArgument(value: string, flag: string, now: number = Date.now()): Date {
  const text = value.trim();
  const relative = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(text);
  if (relative) {
    return new Date(now - Number(relative[1]) * UNIT_MS[relative[2].toLowerCase()]);
  }
  // Only date-shaped strings: Date.parse alone accepts things like "1" or "May".
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(
    `${flag} must be an ISO 8601 date-time (e.g. 2024-05-01T08:00:00Z) or a duration ago such as 30m, 1h, 2d; got ${JSON.stringify(value)}`,
  );
}

/**
 * Parses a number of seconds (decimals allowed) between `min` and `max`; throws a {@link UsageError}
 * naming `flag` otherwise. Returns milliseconds.
 */
export function parseSecondsArgument(value: string, flag: string, min: number, max: number): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < min || seconds > max) {
    throw new UsageError(
      `${flag} must be a number of seconds from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return Math.round(seconds * 1000);
}

/**
 * Parses a positive integer argument up to `max`; throws a {@link UsageError} naming `flag` otherwise.
 */
export function parseCountArgument(value: string, flag: string, max: number): number {
  const count = Number(value);
  if (!/^\d+$/.test(value.trim()) || count < 1 || count > max) {
    throw new UsageError(`${flag} must be an integer from 1 to ${max}, got ${JSON.stringify(value)}`);
  }
  return count;
}
