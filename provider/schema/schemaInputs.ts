/**
 * The plain (resolved) inputs of ProvisioningSchema: which parts of a job's synchronization schema
 * a program declares. Shared by the resource, AppProvisioning's `schema`, and the CLI's
 * `schema export` (which prints values of these types).
 */
import type { AttributeFlowBehavior, AttributeFlowType, AttributeType, Mutability } from "../graph/types";

/** What happens to the owned entries when the resource is deleted. */
export type OnDelete = "restore" | "keep" | "resetAll";
export const ON_DELETE_VALUES: readonly OnDelete[] = ["restore", "keep", "resetAll"];

/** Settings of a declared attribute mapping beside its source; undeclared ones take Graph's defaults. */
export interface AttributeMappingOptions {
  /** Value used when the source is null; flows only on create. Default none. */
  defaultValue?: string | null;
  /** When the value flows. Default `"Always"`. */
  flowType?: AttributeFlowType;
  /**
   * > 0 makes this a matching attribute (lowest tried first). When not declared, the job's current
   * value is kept (0 for a new mapping): matching decides identity, so it is never reset implicitly.
   */
  matchingPriority?: number;
  /** Default `"FlowWhenChanged"`. */
  flowBehavior?: AttributeFlowBehavior;
}

/** A mapping from an expression (`[attribute]`, `"constant"` or `Function(…)`). */
export interface ExpressionMapping extends AttributeMappingOptions {
  expression: string;
}

/** A mapping to a constant value. */
export interface ConstantMapping extends AttributeMappingOptions {
  constant: string;
}

/** A mapping with no source that only sets `defaultValue` (Graph's "default-only" mapping). */
export interface DefaultOnlyMapping extends AttributeMappingOptions {
  defaultValue: string;
}

/**
 * One declared attribute mapping: an expression string, an object form, or null to remove the
 * mapping of that target attribute.
 */
export type AttributeMappingInput = string | ExpressionMapping | ConstantMapping | DefaultOnlyMapping | null;

/** One scoping clause: `attribute operator values`. */
export interface ScopeClauseInput {
  /** Source attribute (`sourceOperandName`), e.g. `department`. */
  attribute: string;
  /** `operatorName`, e.g. `EQUALS`, `IS TRUE`. */
  operator: string;
  /** Required (one or more) for binary operators, absent for unary ones. */
  values?: string[];
}

/** OR of ANDs: each inner list is one group of clauses that must all hold. Null = no filter. */
export type ScopeInput = ScopeClauseInput[][] | null;

/** One declared object mapping (identified by its names; the rest is what it owns). */
export interface ObjectMappingInput {
  sourceObjectName: string;
  /** Needed when several object mappings have this sourceObjectName. */
  targetObjectName?: string;
  /** Needed when several rules have a matching object mapping. */
  ruleId?: string;
  enabled?: boolean;
  /** Keyed by `targetAttributeName`. */
  attributeMappings?: Record<string, AttributeMappingInput>;
  /** Undefined: not owned; null: no scoping filter. */
  scope?: ScopeInput;
}

/** An attribute definition added to (or owned on) an object of the target directory. */
export interface TargetAttributeInput {
  /** Target object name, e.g. `User` or `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
  object: string;
  /** Attribute name, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter`. */
  name: string;
  /** Directory name; default: the target directory of the rules. */
  directory?: string;
  /** Default `"String"`. */
  type?: AttributeType;
  multivalued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  anchor?: boolean;
  flowNullValues?: boolean;
  /** Default `"ReadWrite"`. */
  mutability?: Mutability;
  referencedObjects?: { referencedObjectName: string; referencedProperty?: string | null }[];
  apiExpressions?: { key: string; value: string }[];
}

/** Everything ProvisioningSchema owns (AppProvisioning's `schema` argument has this shape). */
export interface ProvisioningSchemaSpec {
  objectMappings: ObjectMappingInput[];
  targetAttributes?: TargetAttributeInput[];
  onDelete?: OnDelete;
}
