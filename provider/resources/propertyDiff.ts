import { containsUnknown } from "./validation";

/**
 * Structural equality of two JSON values as they travel through the engine (null and undefined are
 * the same: an absent output is stored as null). Object key order does not matter.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!sameValue(ao[k], bo[k])) return false;
  return true;
}

/**
 * Names of `properties` whose new input differs from the old output. A new value that is (or holds)
 * an unknown counts as changed: the engine will learn its value only at apply time.
 */
export function changedProperties(olds: object, news: object, properties: readonly string[]): string[] {
  const o = olds as Record<string, unknown>;
  const n = news as Record<string, unknown>;
  return properties.filter((p) => containsUnknown(n[p]) || !sameValue(o[p], n[p]));
}

/** Turns every undefined into null so the value can cross the engine boundary ("Unexpected struct type"). */
export function nullForUndefined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]: Exclude<T[K], undefined> | null } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = v === undefined ? null : v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> | null };
}
