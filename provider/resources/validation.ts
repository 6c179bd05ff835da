import type * as pulumi from "@pulumi/pulumi";
import { validateConnectionInput } from "../graph/connection";
import { RESTART_SCOPE_FLAGS, SYNCHRONIZATION_SECRET_NAMES } from "../graph/types";

/**
 * The value the Pulumi engine sends for an input that is not known yet (during preview). Check must
 * accept it without judging it; it can also appear nested inside objects and arrays.
 */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is the engine's unknown-value sentinel. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}

/** True when `value` is, or contains anywhere, the unknown-value sentinel. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Judges one present, known value; returns the reason it is wrong, or undefined when it is fine. */
export type ValueRule = (value: unknown, property: string) => string | undefined;

/** One row of a resource's input table. */
export interface FieldSpec {
  /** Input property name. */
  name: string;
  /** Missing (undefined or null) is a failure when true. */
  required?: boolean;
  /** Value applied to `inputs` when the property is missing. */
  default?: unknown;
  /** What the value must look like. */
  rule: ValueRule;
  /** Describes allowed values, for the "is required" message. */
  expects: string;
}

/** A rule across several fields; returns failures (empty when fine). Runs on known values only. */
export type CrossRule = (inputs: Record<string, unknown>) => pulumi.dynamic.CheckFailure[];

/** The whole input table of one resource. */
export interface InputSpec {
  fields: FieldSpec[];
  cross?: CrossRule[];
}

/**
 * Validates `news` against `spec`: every failure names its property and what is allowed; unknown
 * values are accepted unjudged; missing optional fields get their defaults. Never calls Graph.
 */
export function checkInputs(
  spec: InputSpec,
  news: Record<string, unknown>,
): pulumi.dynamic.CheckResult<Record<string, unknown>> {
  const inputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(news)) {
    if (v !== undefined) inputs[k] = v;
  }
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const field of spec.fields) {
    const value = inputs[field.name];
    if (value === undefined || value === null) {
      if (field.required) {
        failures.push({ property: field.name, reason: `${field.name} is required: ${field.expects}.` });
      } else if (field.default !== undefined) {
        inputs[field.name] = field.default;
      }
      continue;
    }
    if (isUnknown(value)) continue;
    const reason = field.rule(value, field.name);
    if (reason !== undefined) failures.push({ property: field.name, reason });
  }
  for (const rule of spec.cross ?? []) failures.push(...rule(inputs));
  return failures.length > 0 ? { inputs, failures } : { inputs };
}

// ---- value rules -------------------------------------------------------------------------------

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Short, safe rendering of a non-secret bad value for messages. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A GUID such as `8b1025e4-1dd2-430b-a150-2ef79cd700f5`. */
export const guid: ValueRule = (value, property) =>
  typeof value === "string" && GUID.test(value)
    ? undefined
    : `${property} must be a GUID like 8b1025e4-1dd2-430b-a150-2ef79cd700f5; got ${shown(value)}.`;

/** A string of `min`..`max` characters (after no trimming: Graph stores what it is given). */
export function text(min: number, max: number): ValueRule {
  return (value, property) => {
    if (typeof value !== "string")
      return `${property} must be a string of ${min} to ${max} characters; got ${shown(value)}.`;
    if (value.length < min || value.length > max) {
      return `${property} must be ${min} to ${max} characters long; got ${value.length}.`;
    }
    return undefined;
  };
}

/** A non-empty identifier without `/`, `?` or `#` (it becomes a URL path segment). */
export const pathSegment: ValueRule = (value, property) =>
  typeof value === "string" && value.length > 0 && value.length <= 512 && !/[/?#\s]/.test(value)
    ? undefined
    : `${property} must be a non-empty id without '/', '?', '#' or spaces; got ${shown(value)}.`;

/** A boolean. */
export const bool: ValueRule = (value, property) =>
  typeof value === "boolean" ? undefined : `${property} must be true or false; got ${shown(value)}.`;

/** An integer in `min`..`max` (units are the caller's; the message says them). */
export function integer(min: number, max: number, unit: string): ValueRule {
  return (value, property) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `${property} must be a whole number of ${unit} from ${min} to ${max}; got ${shown(value)}.`;
}

/** One of a fixed set of strings. */
export function oneOf(allowed: readonly string[]): ValueRule {
  return (value, property) =>
    typeof value === "string" && allowed.includes(value)
      ? undefined
      : `${property} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}; got ${shown(value)}.`;
}

/**
 * Any JSON array (its elements are opaque). The bad value is not shown: JobStart's triggers often
 * carry credentials, and the engine hands the provider secrets in plain text.
 */
export const array: ValueRule = (value, property) =>
  Array.isArray(value)
    ? undefined
    : `${property} must be a list; got ${value === null ? "null" : `a value of type ${typeof value}`} (not shown).`;

/**
 * restartScope flags that may be requested. `None` and `ConnectorDataStore` are refused because
 * Microsoft says not to use them (graph-api.md §8); `Full` already means all four reset flags.
 */
export const ALLOWED_RESTART_SCOPE_FLAGS: readonly string[] = RESTART_SCOPE_FLAGS.filter(
  (f) => f !== "None" && f !== "ConnectorDataStore",
);

/** A comma-separated list of allowed `synchronizationJobRestartScope` flags, e.g. `"Escrows, QuarantineState"`. */
export const restartScope: ValueRule = (value, property) => {
  const allowed = `a comma-separated list of ${ALLOWED_RESTART_SCOPE_FLAGS.join(", ")}`;
  if (typeof value !== "string") return `${property} must be ${allowed}; got ${shown(value)}.`;
  const flags = value.split(",").map((f) => f.trim());
  if (flags.some((f) => f === ""))
    return `${property} must be ${allowed}; got ${shown(value)} (an empty flag).`;
  for (const flag of flags) {
    if (flag === "None" || flag === "ConnectorDataStore") {
      return `${property} must not contain ${flag}: Microsoft advises against it; use ${allowed}.`;
    }
    if (!ALLOWED_RESTART_SCOPE_FLAGS.includes(flag)) {
      return `${property} has unknown flag ${shown(flag)}; use ${allowed}.`;
    }
  }
  return undefined;
};

/**
 * A `synchronizationSecret`-keyed map of string values. Values are secret: messages name the key,
 * never the value.
 */
export const secretCredentials: ValueRule = (value, property) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `${property} must be a map from synchronizationSecret names to string values.`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return `${property} must hold at least one key, e.g. SecretToken or BaseAddress.`;
  for (const [key, v] of entries) {
    if (!(SYNCHRONIZATION_SECRET_NAMES as readonly string[]).includes(key) || key === "None") {
      const valid = SYNCHRONIZATION_SECRET_NAMES.filter((n) => n !== "None").join(", ");
      return `${property} has unknown key "${key}"; valid keys are the synchronizationSecret names: ${valid}.`;
    }
    if (isUnknown(v)) continue;
    if (typeof v !== "string") return `${property}.${key} must be a string (its value is not shown).`;
    if (v === "") return `${property}.${key} must not be empty: remove the key to clear it.`;
  }
  return undefined;
};

/** The `connection` input must be an object; its fields are judged by {@link connectionFields}. */
export const connection: ValueRule = (value, property) =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? undefined
    : `${property} must be an object with connection fields (tenantId, clientId, clientSecret, ...).`;

/** Each field of the `connection` input, judged by the client's own rules (one failure per bad field). */
export const connectionFields: CrossRule = (inputs) =>
  typeof inputs.connection !== "object" || inputs.connection === null || Array.isArray(inputs.connection)
    ? []
    : validateConnectionInput(inputs.connection).map((e) => ({
        property: e.property,
        reason: `${e.property} ${e.reason}.`,
      }));

/** Fails unless exactly one of `names` is present (unknown counts as present). */
export function exactlyOneOf(names: string[]): CrossRule {
  return (inputs) => {
    const present = names.filter((n) => inputs[n] !== undefined && inputs[n] !== null);
    if (present.length === 1) return [];
    const reason =
      present.length === 0
        ? `one of ${names.join(" or ")} is required.`
        : `set only one of ${names.join(" or ")}, not both.`;
    return [{ property: present[1] ?? names[0], reason }];
  };
}

/** Fails when `name` is true (or missing with default true) and none of `needs` is present. */
export function requiresOneOfWhen(name: string, needs: string[]): CrossRule {
  return (inputs) => {
    if (inputs[name] !== true) return [];
    if (needs.some((n) => inputs[n] !== undefined && inputs[n] !== null)) return [];
    return [
      {
        property: name,
        reason: `${name} needs ${needs.join(" or ")}: validateCredentials is bound to a job (jobId) or, before a job exists, to a synchronization template (templateId). Set one of them, or set ${name} to false.`,
      },
    ];
  };
}
