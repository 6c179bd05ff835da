/**
 * Reading the server-requested wait from response headers (graph-api.md §11; design.md §5).
 */

/** Response headers as axios and Node expose them: lower-case names. */
export type HeaderBag = Record<string, string | string[] | number | undefined | null>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v[0] : String(v);
}

/**
 * The wait a 429/503/504 response asks for, in milliseconds, or `undefined` when it names none.
 * `x-ms-retry-after-ms` (milliseconds, sub-second precision) wins, then `retry-after-ms`, then
 * `Retry-After` as integer seconds or an HTTP date (a past date gives 0).
 *
 * @param now - current time in epoch milliseconds, for HTTP-date values.
 */
export function parseRetryAfterMs(headers: HeaderBag, now: number): number | undefined {
  for (const name of ["x-ms-retry-after-ms", "retry-after-ms"]) {
    const raw = header(headers, name)?.trim();
    if (raw && /^\d+(\.\d+)?$/.test(raw)) return Math.ceil(Number(raw));
  }
  const retryAfter = header(headers, "retry-after")?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.ceil(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
