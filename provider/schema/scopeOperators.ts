/**
 * Scoping-filter operators (`filterClause.operatorName`). The first eight are what
 * `GET …/schema/filterOperators` returns (OLD synchronization-schema-filterOperators-get.md); the
 * portal's list adds six more whose Graph spelling is presumed the same — unverified
 * (graph-schema.md §3), so they are accepted but marked as such.
 */

/** Unary operators take no values; binary ones one or more. */
export type ScopeOperatorArity = "Unary" | "Binary";

export interface ScopeOperator {
  arity: ScopeOperatorArity;
  /** Values must be whole numbers (Greater_Than*, bitwise &). */
  integerValues?: boolean;
  /** Not in Graph's documented filterOperators answer; the portal lists it. */
  unverified?: boolean;
}

export const SCOPE_OPERATORS: Readonly<Record<string, ScopeOperator>> = {
  EQUALS: { arity: "Binary" },
  "NOT EQUALS": { arity: "Binary" },
  "REGEX MATCH": { arity: "Binary" },
  "NOT REGEX MATCH": { arity: "Binary" },
  "IS TRUE": { arity: "Unary" },
  "IS FALSE": { arity: "Unary" },
  "IS NULL": { arity: "Unary" },
  "IS NOT NULL": { arity: "Unary" },
  "&": { arity: "Binary", integerValues: true, unverified: true },
  "!&": { arity: "Binary", integerValues: true, unverified: true },
  ENDS_WITH: { arity: "Binary", unverified: true },
  Greater_Than: { arity: "Binary", integerValues: true, unverified: true },
  Greater_Than_OR_EQUALS: { arity: "Binary", integerValues: true, unverified: true },
  Includes: { arity: "Binary", unverified: true },
};
