/**
 * Property values in the wire form the Pulumi engine and SDK exchange (a `google.protobuf.Struct`
 * turned into plain JSON): secrets are `{[SECRET_SIG_KEY]: SECRET_SIG, value}` objects and unknown
 * values (preview) are the `UNKNOWN_VALUE` string. Helpers here strip and re-mark secrets the way
 * the engine does for a provider that does not accept secrets (the dynamic-provider host).
 */

/** A JSON value as carried by a `google.protobuf.Value`. */
export type PropertyValue =
  null | boolean | number | string | PropertyValue[] | { [key: string]: PropertyValue };

/** A resource's inputs or outputs, keyed by property name. */
export type PropertyMap = Record<string, PropertyValue>;

/** Key marking a special value (secret, asset, resource reference) on the wire. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** `SIG_KEY` value of a secret: `{[SIG_KEY]: SECRET_SIG, value}`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** The string standing for an unknown value during a preview (also what `check()` receives). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How secret values are shown in results and printed output. */
export const SECRET_PLACEHOLDER = "[secret]";

/** True when `v` is a wire-form secret. */
export function isSecretValue(v: unknown): v is { [SIG_KEY]: string; value: PropertyValue } {
  return (
    typeof v === "object" && v !== null && !Array.isArray(v) && (v as PropertyMap)[SIG_KEY] === SECRET_SIG
  );
}

/** Wraps `v` as a wire-form secret (idempotent). */
export function makeSecret(v: PropertyValue): PropertyValue {
  return isSecretValue(v) ? v : { [SIG_KEY]: SECRET_SIG, value: v };
}

/** True when `test` holds for `v` or for a value anywhere inside it (a secret's wrapper included). */
function containsValue(v: unknown, test: (value: unknown) => boolean): boolean {
  if (test(v)) return true;
  if (Array.isArray(v)) return v.some((e) => containsValue(e, test));
  if (typeof v === "object" && v !== null) return Object.values(v).some((e) => containsValue(e, test));
  return false;
}

/**
 * A copy of `v` in which every value that `replace` maps to something other than undefined is
 * replaced by it (not descended into); every other array and object is copied element by element.
 */
function replaceValues(
  v: PropertyValue,
  replace: (value: PropertyValue) => PropertyValue | undefined,
): PropertyValue {
  const replaced = replace(v);
  if (replaced !== undefined) return replaced;
  if (Array.isArray(v)) return v.map((e) => replaceValues(e, replace));
  if (typeof v === "object" && v !== null) {
    const out: PropertyMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = replaceValues(e, replace);
    return out;
  }
  return v;
}

/** True when `v` is, or contains, a secret at any depth. */
export function containsSecrets(v: unknown): boolean {
  return containsValue(v, isSecretValue);
}

/** True when `v` is, or contains, the unknown sentinel. */
export function containsUnknowns(v: unknown): boolean {
  return containsValue(v, (e) => e === UNKNOWN_VALUE);
}

/** Removes every secret wrapper, at any depth, keeping the plain values (what the host receives). */
export function stripSecrets(v: PropertyValue): PropertyValue {
  return replaceValues(v, (e) => (isSecretValue(e) ? stripSecrets(e.value) : undefined));
}

/** `stripSecrets` over a property map. */
export function stripSecretsMap(m: PropertyMap): PropertyMap {
  return stripSecrets(m) as PropertyMap;
}

/** Deep structural equality of two plain JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((e, i) => deepEqual(e, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/**
 * Re-marks secrets on plain `outs` returned by a provider, as the engine does: an output whose
 * same-named input held a secret is secret (kept identical to the input when the values are equal,
 * so nested secrets survive), and every name in `additionalSecretOutputs` is secret.
 */
export function annotateSecrets(
  outs: PropertyMap,
  ins: PropertyMap,
  additionalSecretOutputs: readonly string[] = [],
): PropertyMap {
  const result: PropertyMap = { ...outs };
  for (const [k, inValue] of Object.entries(ins)) {
    if (!(k in result) || !containsSecrets(inValue)) continue;
    result[k] = deepEqual(result[k], stripSecrets(inValue)) ? inValue : makeSecret(result[k]);
  }
  for (const k of additionalSecretOutputs) {
    if (k in result) result[k] = makeSecret(result[k]);
  }
  return result;
}

/**
 * Returns `v` with every secret replaced by `"[secret]"` and every unknown by `"[unknown]"`: the
 * form results and printed output use, so that no secret value is ever displayed.
 */
export function displayValue(v: PropertyValue): PropertyValue {
  return replaceValues(v, (e) => {
    if (isSecretValue(e)) return SECRET_PLACEHOLDER;
    return e === UNKNOWN_VALUE ? "[unknown]" : undefined;
  });
}

/** Collects every plain string held inside a secret in `v` (used to scan output for leaks). */
export function secretStrings(v: unknown, inSecret = false, acc: string[] = []): string[] {
  if (isSecretValue(v)) return secretStrings(v.value, true, acc);
  if (typeof v === "string") {
    if (inSecret && v.length > 0) acc.push(v);
  } else if (Array.isArray(v)) {
    for (const e of v) secretStrings(e, inSecret, acc);
  } else if (typeof v === "object" && v !== null) {
    for (const e of Object.values(v)) secretStrings(e, inSecret, acc);
  }
  return acc;
}
