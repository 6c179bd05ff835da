/**
 * Offline validation of ProvisioningSchema's `objectMappings` and `targetAttributes` (run by
 * `check`, so during preview): every failure names the field by its path
 * (`objectMappings[0].attributeMappings["title"]`), the position inside an expression, and what is
 * allowed. Values the engine does not know yet (the unknown sentinel) are accepted unjudged.
 */
import {
  ATTRIBUTE_FLOW_BEHAVIORS,
  ATTRIBUTE_FLOW_TYPES,
  ATTRIBUTE_TYPES,
  MUTABILITIES,
} from "../graph/types";
import { isUnknown as unknown } from "../resources/validation";
import { parseExpressionText } from "./expressionSyntax";
import { SCOPE_OPERATORS } from "./scopeOperators";

/** One check failure: the property path and why. */
export interface SchemaInputFailure {
  property: string;
  reason: string;
}

const MAPPING_KEYS = [
  "expression",
  "constant",
  "defaultValue",
  "flowType",
  "matchingPriority",
  "flowBehavior",
];
const OBJECT_MAPPING_KEYS = [
  "sourceObjectName",
  "targetObjectName",
  "ruleId",
  "enabled",
  "attributeMappings",
  "scope",
];
const CLAUSE_KEYS = ["attribute", "operator", "values"];
const TARGET_ATTRIBUTE_KEYS = [
  "object",
  "name",
  "directory",
  "type",
  "multivalued",
  "required",
  "caseExact",
  "anchor",
  "flowNullValues",
  "mutability",
  "referencedObjects",
  "apiExpressions",
];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return `a ${typeof v}`;
}

function quote(list: readonly string[]): string {
  return list.map((s) => `"${s}"`).join(", ");
}

/** `objectMappings[0].attributeMappings["title"]` style path segment for a map key. */
export function keyPath(base: string, key: string): string {
  return `${base}[${JSON.stringify(key)}]`;
}

class Collector {
  readonly failures: SchemaInputFailure[] = [];

  add(property: string, reason: string): void {
    this.failures.push({ property, reason: `${property} ${reason}` });
  }

  unknownKeys(path: string, value: Record<string, unknown>, allowed: string[]): void {
    for (const k of Object.keys(value)) {
      if (!allowed.includes(k)) this.add(path, `has unknown field "${k}"; allowed: ${allowed.join(", ")}.`);
    }
  }

  nonEmptyString(path: string, value: unknown, required: boolean, what: string): void {
    if (value === undefined || value === null) {
      if (required) this.add(path, `is required: ${what}.`);
      return;
    }
    if (unknown(value)) return;
    if (typeof value !== "string" || value.trim() === "") {
      this.add(path, `must be a non-empty string (${what}); got ${kindOf(value)}.`);
    }
  }

  optionalBoolean(path: string, value: unknown): void {
    if (value === undefined || value === null || unknown(value)) return;
    if (typeof value !== "boolean") this.add(path, `must be true or false; got ${kindOf(value)}.`);
  }

  optionalEnum(path: string, value: unknown, allowed: readonly string[]): void {
    if (value === undefined || value === null || unknown(value)) return;
    if (typeof value !== "string" || !allowed.includes(value)) {
      this.add(
        path,
        `must be one of ${quote(allowed)}; got ${typeof value === "string" ? JSON.stringify(value) : kindOf(value)}.`,
      );
    }
  }

  expression(path: string, value: unknown): void {
    if (unknown(value)) return;
    if (typeof value !== "string") {
      this.add(path, `must be an expression string; got ${kindOf(value)}.`);
      return;
    }
    const parsed = parseExpressionText(value);
    if (!parsed.ok) {
      this.add(
        path,
        `is not a valid expression: it ${parsed.error.message} (character offset ${parsed.error.offset}). ` +
          `An expression is an [attribute], a "constant" or a documented Function(…).`,
      );
    }
  }
}

/** Validates `objectMappings` (required). */
export function checkObjectMappings(value: unknown): SchemaInputFailure[] {
  const c = new Collector();
  if (value === undefined || value === null) {
    c.add("objectMappings", "is required: a list of object mappings, each naming its sourceObjectName.");
    return c.failures;
  }
  if (unknown(value)) return c.failures;
  if (!Array.isArray(value) || value.length === 0) {
    c.add(
      "objectMappings",
      `must be a non-empty list of object mappings ({sourceObjectName, attributeMappings?, scope?, …}); got ${Array.isArray(value) ? "an empty list" : kindOf(value)}.`,
    );
    return c.failures;
  }
  const identities = new Map<string, number>();
  value.forEach((om, i) => {
    const path = `objectMappings[${i}]`;
    if (unknown(om)) return;
    if (!isObject(om)) {
      c.add(path, `must be an object with sourceObjectName; got ${kindOf(om)}.`);
      return;
    }
    c.unknownKeys(path, om, OBJECT_MAPPING_KEYS);
    c.nonEmptyString(
      `${path}.sourceObjectName`,
      om.sourceObjectName,
      true,
      "the source object, e.g. User or Group",
    );
    c.nonEmptyString(`${path}.targetObjectName`, om.targetObjectName, false, "the target object");
    c.nonEmptyString(`${path}.ruleId`, om.ruleId, false, "a synchronization rule id");
    c.optionalBoolean(`${path}.enabled`, om.enabled);
    checkAttributeMappings(c, `${path}.attributeMappings`, om.attributeMappings);
    checkScope(c, `${path}.scope`, om.scope);
    if ([om.sourceObjectName, om.targetObjectName, om.ruleId].every((v) => !unknown(v))) {
      const id = JSON.stringify([om.sourceObjectName, om.targetObjectName ?? null, om.ruleId ?? null]);
      const first = identities.get(id);
      if (first !== undefined) {
        c.add(
          path,
          `declares the same object mapping as objectMappings[${first}]; merge them into one entry (or tell them apart with targetObjectName / ruleId).`,
        );
      } else {
        identities.set(id, i);
      }
    }
  });
  return c.failures;
}

function checkAttributeMappings(c: Collector, path: string, value: unknown): void {
  if (value === undefined || value === null || unknown(value)) return;
  if (!isObject(value)) {
    c.add(path, `must be a map from target attribute names to mappings; got ${kindOf(value)}.`);
    return;
  }
  const seen = new Map<string, string>();
  for (const [target, mapping] of Object.entries(value)) {
    const p = keyPath(path, target);
    if (target.trim() === "") c.add(p, "has an empty target attribute name.");
    const folded = target.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) {
      c.add(
        p,
        `duplicates target attribute "${other}" (names differ only in case; Graph does not dedupe and may merge or reject them). Keep one.`,
      );
    }
    seen.set(folded, target);
    checkAttributeMapping(c, p, mapping);
  }
}

function checkAttributeMapping(c: Collector, path: string, mapping: unknown): void {
  if (mapping === null || unknown(mapping)) return;
  if (typeof mapping === "string") {
    c.expression(path, mapping);
    return;
  }
  if (!isObject(mapping)) {
    c.add(
      path,
      `must be an expression string, {expression, defaultValue?, flowType?, matchingPriority?, flowBehavior?}, {constant}, or null to remove the mapping; got ${kindOf(mapping)}.`,
    );
    return;
  }
  c.unknownKeys(path, mapping, MAPPING_KEYS);
  const hasExpression = mapping.expression !== undefined && mapping.expression !== null;
  const hasConstant = mapping.constant !== undefined && mapping.constant !== null;
  const hasDefault = mapping.defaultValue !== undefined && mapping.defaultValue !== null;
  if (hasExpression && hasConstant) {
    c.add(path, "sets both expression and constant; set one of them.");
  } else if (!hasExpression && !hasConstant && !hasDefault) {
    c.add(path, "needs an expression, a constant, or (for a default-only mapping) a defaultValue.");
  }
  if (hasExpression) c.expression(`${path}.expression`, mapping.expression);
  if (hasConstant && !unknown(mapping.constant) && typeof mapping.constant !== "string") {
    c.add(`${path}.constant`, `must be a string; got ${kindOf(mapping.constant)}.`);
  }
  if (hasDefault && !unknown(mapping.defaultValue) && typeof mapping.defaultValue !== "string") {
    c.add(`${path}.defaultValue`, `must be a string or null; got ${kindOf(mapping.defaultValue)}.`);
  }
  c.optionalEnum(`${path}.flowType`, mapping.flowType, ATTRIBUTE_FLOW_TYPES);
  c.optionalEnum(`${path}.flowBehavior`, mapping.flowBehavior, ATTRIBUTE_FLOW_BEHAVIORS);
  const mp = mapping.matchingPriority;
  if (mp !== undefined && mp !== null && !unknown(mp)) {
    if (typeof mp !== "number" || !Number.isInteger(mp) || mp < 0 || mp > 2_147_483_647) {
      c.add(
        `${path}.matchingPriority`,
        `must be a whole number from 0 (not a matching attribute) up, 1 being tried first; got ${typeof mp === "number" ? mp : kindOf(mp)}.`,
      );
    }
  }
}

function checkScope(c: Collector, path: string, value: unknown): void {
  if (value === undefined || value === null || unknown(value)) return;
  if (!Array.isArray(value)) {
    c.add(
      path,
      `must be a list of clause groups (OR of ANDs: [[{attribute, operator, values}]]) or null for no filter; got ${kindOf(value)}.`,
    );
    return;
  }
  value.forEach((group, g) => {
    const gp = `${path}[${g}]`;
    if (unknown(group)) return;
    if (!Array.isArray(group) || group.length === 0) {
      c.add(
        gp,
        `must be a non-empty list of clauses that must all hold (a group); got ${Array.isArray(group) ? "an empty list" : kindOf(group)}.`,
      );
      return;
    }
    group.forEach((clause, k) => checkClause(c, `${gp}[${k}]`, clause));
  });
}

function checkClause(c: Collector, path: string, clause: unknown): void {
  if (unknown(clause)) return;
  if (!isObject(clause)) {
    c.add(path, `must be a clause {attribute, operator, values?}; got ${kindOf(clause)}.`);
    return;
  }
  c.unknownKeys(path, clause, CLAUSE_KEYS);
  c.nonEmptyString(`${path}.attribute`, clause.attribute, true, "the source attribute, e.g. department");
  const op = clause.operator;
  const names = Object.keys(SCOPE_OPERATORS);
  if (op === undefined || op === null) {
    c.add(`${path}.operator`, `is required: one of ${quote(names)}.`);
    return;
  }
  if (unknown(op)) return;
  const operator = typeof op === "string" ? SCOPE_OPERATORS[op] : undefined;
  if (operator === undefined) {
    const near = typeof op === "string" ? names.find((n) => n.toLowerCase() === op.toLowerCase()) : undefined;
    c.add(
      `${path}.operator`,
      `must be one of ${quote(names)}${near ? ` (operator names are case-sensitive: "${near}")` : ""}; got ${typeof op === "string" ? JSON.stringify(op) : kindOf(op)}.`,
    );
    return;
  }
  const values = clause.values;
  if (unknown(values)) return;
  if (operator.arity === "Unary") {
    if (values !== undefined && values !== null && !(Array.isArray(values) && values.length === 0)) {
      c.add(`${path}.values`, `must be absent: ${op} is a unary operator and compares with no value.`);
    }
    return;
  }
  if (!Array.isArray(values) || values.length === 0) {
    c.add(
      `${path}.values`,
      `is required: ${op} is a binary operator and needs one or more values, e.g. values: ["Sales"].`,
    );
    return;
  }
  values.forEach((v, i) => {
    if (unknown(v)) return;
    if (typeof v !== "string") {
      c.add(`${path}.values[${i}]`, `must be a string (Graph compares strings); got ${kindOf(v)}.`);
    } else if (operator.integerValues && !/^-?\d+$/.test(v)) {
      c.add(
        `${path}.values[${i}]`,
        `must be a whole number written as a string for ${op}; got ${JSON.stringify(v)}.`,
      );
    }
  });
}

/** Validates `targetAttributes` (optional). */
export function checkTargetAttributes(value: unknown): SchemaInputFailure[] {
  const c = new Collector();
  if (value === undefined || value === null || unknown(value)) return c.failures;
  if (!Array.isArray(value)) {
    c.add(
      "targetAttributes",
      `must be a list of attribute definitions ({object, name, type?, …}); got ${kindOf(value)}.`,
    );
    return c.failures;
  }
  const seen = new Map<string, number>();
  value.forEach((ta, i) => {
    const path = `targetAttributes[${i}]`;
    if (unknown(ta)) return;
    if (!isObject(ta)) {
      c.add(path, `must be an object {object, name, type?, …}; got ${kindOf(ta)}.`);
      return;
    }
    c.unknownKeys(path, ta, TARGET_ATTRIBUTE_KEYS);
    c.nonEmptyString(`${path}.object`, ta.object, true, "the target directory object, e.g. User");
    c.nonEmptyString(`${path}.name`, ta.name, true, "the attribute name");
    c.nonEmptyString(`${path}.directory`, ta.directory, false, "a directory name of the schema");
    c.optionalEnum(`${path}.type`, ta.type, ATTRIBUTE_TYPES);
    c.optionalEnum(`${path}.mutability`, ta.mutability, MUTABILITIES);
    for (const b of ["multivalued", "required", "caseExact", "anchor", "flowNullValues"]) {
      c.optionalBoolean(`${path}.${b}`, ta[b]);
    }
    checkPairs(
      c,
      `${path}.referencedObjects`,
      ta.referencedObjects,
      "referencedObjectName",
      "referencedProperty",
    );
    checkPairs(c, `${path}.apiExpressions`, ta.apiExpressions, "key", "value");
    if ([ta.object, ta.name, ta.directory].every((v) => typeof v === "string" || v === undefined)) {
      const id = JSON.stringify([
        ta.directory ?? null,
        String(ta.object).toLowerCase(),
        String(ta.name).toLowerCase(),
      ]);
      const first = seen.get(id);
      if (first !== undefined) {
        c.add(
          path,
          `declares the same attribute as targetAttributes[${first}] (names compare case-insensitively); keep one.`,
        );
      } else {
        seen.set(id, i);
      }
    }
  });
  return c.failures;
}

function checkPairs(c: Collector, path: string, value: unknown, first: string, second: string): void {
  if (value === undefined || value === null || unknown(value)) return;
  if (!Array.isArray(value)) {
    c.add(path, `must be a list of {${first}, ${second}}; got ${kindOf(value)}.`);
    return;
  }
  value.forEach((item, i) => {
    if (unknown(item)) return;
    if (!isObject(item)) {
      c.add(`${path}[${i}]`, `must be an object {${first}, ${second}}; got ${kindOf(item)}.`);
      return;
    }
    c.nonEmptyString(`${path}[${i}].${first}`, item[first], true, first);
  });
}
