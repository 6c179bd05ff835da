/**
 * Scoping filters (objectMapping.scope): groups are OR'ed, clauses within a group AND'ed; an empty or
 * missing `groups` puts everything in scope. Operators are those `filterOperators` returns
 * (graph-schema.md §3) plus the portal's newer ones, whose Graph names are presumed equal (unverified).
 * EQUALS / NOT EQUALS / REGEX / Includes compare case-sensitively; a null or empty attribute makes a
 * binary clause false; Greater_Than* compare integers.
 */
import type { Filter, FilterClause } from "./schemaTypes";
import type { ExpressionValue } from "./expressionFunctions";

/** One operator as `GET …/schema/filterOperators` lists it. */
export interface FilterOperator {
  name: string;
  arity: "Binary" | "Unary";
  multivaluedComparisonType: "All" | "Any";
  supportedAttributeTypes: string[];
  /** Listed by the portal only; presumed to be accepted by Graph under this name (unverified). */
  portalOnly: boolean;
}

const op = (
  name: string,
  arity: "Binary" | "Unary",
  supportedAttributeTypes: string[],
  portalOnly = false,
): FilterOperator => ({ name, arity, multivaluedComparisonType: "All", supportedAttributeTypes, portalOnly });

const ALL_TYPES = ["String", "Integer", "Reference", "Binary", "Boolean", "DateTime"];

/** Every scoping operator the emulator evaluates. */
export const FILTER_OPERATORS: readonly FilterOperator[] = [
  op("EQUALS", "Binary", ["String", "Integer"]),
  op("NOT EQUALS", "Binary", ["String", "Integer"]),
  op("REGEX MATCH", "Binary", ["String", "Integer"]),
  op("NOT REGEX MATCH", "Binary", ["String", "Integer"]),
  op("IS TRUE", "Unary", ["Boolean"]),
  op("IS FALSE", "Unary", ["Boolean"]),
  op("IS NULL", "Unary", ALL_TYPES),
  op("IS NOT NULL", "Unary", ALL_TYPES),
  op("&", "Binary", ["Integer"], true),
  op("!&", "Binary", ["Integer"], true),
  op("ENDS_WITH", "Binary", ["String"], true),
  op("Greater_Than", "Binary", ["Integer"], true),
  op("Greater_Than_OR_EQUALS", "Binary", ["Integer"], true),
  op("Includes", "Binary", ["String"], true),
];

export function findOperator(name: string): FilterOperator | undefined {
  return FILTER_OPERATORS.find((o) => o.name === name);
}

const present = (v: string | null): v is string => v !== null && v !== "";

/** Whether one clause holds for an attribute value. */
export function clauseHolds(clause: FilterClause, raw: ExpressionValue): boolean {
  const value = Array.isArray(raw) ? (raw[0] ?? null) : raw;
  const operand = clause.targetOperand?.values ?? [];
  const first = operand[0] ?? "";
  const integer = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s) : NaN);
  switch (clause.operatorName) {
    case "IS NULL":
      return !present(value);
    case "IS NOT NULL":
      return present(value);
    case "IS TRUE":
      return value !== null && /^true$/i.test(value);
    case "IS FALSE":
      return value !== null && /^false$/i.test(value);
    case "EQUALS":
      return present(value) && value === first;
    case "NOT EQUALS":
      return present(value) && value !== first;
    case "REGEX MATCH":
      return present(value) && regex(first).test(value);
    case "NOT REGEX MATCH":
      return present(value) && !regex(first).test(value);
    case "ENDS_WITH":
      return present(value) && value.endsWith(first);
    case "Includes":
      return present(value) && operand.includes(value);
    case "Greater_Than":
      return present(value) && integer(value) > integer(first);
    case "Greater_Than_OR_EQUALS":
      return present(value) && integer(value) >= integer(first);
    case "&":
      return present(value) && (integer(value) & integer(first)) === integer(first);
    case "!&":
      return present(value) && (integer(value) & integer(first)) !== integer(first);
    default:
      return false;
  }
}

function regex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return /(?!)/;
  }
}

/** Result of evaluating a scope for one object. */
export interface ScopeResult {
  inScope: boolean;
  /** The group that matched (in scope), or why nothing did (out of scope). */
  reason: string;
}

/** Evaluates `scope.groups` for an object whose attributes `lookup` returns. */
export function evaluateScope(scope: Filter | null, lookup: (name: string) => ExpressionValue): ScopeResult {
  const groups = scope?.groups ?? [];
  if (groups.length === 0)
    return { inScope: true, reason: "No scoping filter: every assigned object is in scope" };
  const failures: string[] = [];
  for (const group of groups) {
    const failed = group.clauses.find((c) => !clauseHolds(c, lookup(c.sourceOperandName)));
    if (!failed) return { inScope: true, reason: `Scoping filter '${group.name ?? ""}' matched` };
    const actual = lookup(failed.sourceOperandName);
    failures.push(
      `'${group.name ?? ""}': ${failed.sourceOperandName} ${failed.operatorName}${failed.targetOperand?.values?.length ? ` ${JSON.stringify(failed.targetOperand.values)}` : ""} is false (value: ${actual === null ? "null" : JSON.stringify(actual)})`,
    );
  }
  return { inScope: false, reason: `Out of scope: no scoping filter matched (${failures.join("; ")})` };
}
