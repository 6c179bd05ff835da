/**
 * What the provisioning service does with one source object under a job's schema: find the enabled
 * object mapping for its type (rules from Azure Active Directory), evaluate the scoping filter, then every
 * attribute mapping (expression → value; a mapping without source, or whose value is empty, flows its
 * defaultValue on create only; IgnoreFlowIfNullOrEmpty drops it; Redact shows "[Redact]"). Shared by the
 * simulated cycles and provisionOnDemand so both answer the same way.
 */
import { AAD_DIRECTORY } from "./defaultSchemas";
import { evaluateExpression, EvaluationError, expressionOfSource, type ExpressionInput } from "./expression";
import { evaluateScope } from "./scopingFilter";
import type { ObjectMapping, SynchronizationRule, SynchronizationSchema } from "./schemaTypes";
import type { ExpressionValue } from "./expressionFunctions";

/** One target attribute value as the logs show it. */
export interface MappedValue {
  targetAttributeName: string;
  value: string;
}

/** The outcome for one object. */
export type ObjectEvaluation =
  | { kind: "noMapping"; reason: string }
  | {
      kind: "outOfScope";
      rule: SynchronizationRule;
      objectMapping: ObjectMapping;
      reason: string;
    }
  | {
      kind: "inScope";
      rule: SynchronizationRule;
      objectMapping: ObjectMapping;
      reason: string;
      values: MappedValue[];
      /** First mapping that could not be evaluated (the export fails). */
      error: string | null;
    };

/** Attribute lookup that ignores case, as the engine's attribute names do. */
export function attributeLookup(input: ExpressionInput): (name: string) => ExpressionValue {
  return (name) => {
    if (name in input) return input[name];
    const key = Object.keys(input).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : input[key];
  };
}

/** The enabled outbound object mapping for `objectType` (lowest rule priority first), if any. */
export function findObjectMapping(
  schema: SynchronizationSchema,
  objectType: string,
  ruleId?: string,
): { rule: SynchronizationRule; objectMapping: ObjectMapping } | undefined {
  const rules = [...schema.synchronizationRules]
    .filter((r) => r.sourceDirectoryName === AAD_DIRECTORY && (ruleId === undefined || r.id === ruleId))
    .sort((a, b) => a.priority - b.priority);
  for (const rule of rules) {
    const objectMapping = rule.objectMappings.find(
      (m) =>
        m.enabled && m.sourceObjectName.toLowerCase() === objectType.toLowerCase() && m.flowTypes !== "None",
    );
    if (objectMapping) return { rule, objectMapping };
  }
  return undefined;
}

/** Evaluates scope and mappings for one object. `isCreate` decides whether defaultValue flows. */
export function evaluateObject(
  schema: SynchronizationSchema,
  objectType: string,
  input: ExpressionInput,
  options: { isCreate: boolean; nowMs: number; ruleId?: string },
): ObjectEvaluation {
  const found = findObjectMapping(schema, objectType, options.ruleId);
  if (!found)
    return {
      kind: "noMapping",
      reason: `No enabled object mapping provisions ${objectType} objects from ${AAD_DIRECTORY}`,
    };
  const { rule, objectMapping } = found;
  const lookup = attributeLookup(input);
  const scope = evaluateScope(objectMapping.scope, lookup);
  if (!scope.inScope) return { kind: "outOfScope", rule, objectMapping, reason: scope.reason };
  const values: MappedValue[] = [];
  let error: string | null = null;
  for (const mapping of objectMapping.attributeMappings) {
    if (mapping.flowType === "ObjectAddOnly" && !options.isCreate) continue;
    let value: string | null = null;
    if (mapping.source) {
      try {
        const outcome = evaluateExpression(
          expressionOfSource(mapping.source, mapping.targetAttributeName),
          input,
          {
            nowMs: options.nowMs,
          },
        );
        if (outcome.ignored) continue;
        const joined = outcome.values.join(",");
        value = outcome.redacted && joined !== "" ? "[Redact]" : joined === "" ? null : joined;
      } catch (e) {
        if (!(e instanceof EvaluationError)) throw e;
        error ??= `Evaluating the mapping for '${mapping.targetAttributeName}' failed: ${e.message}`;
        continue;
      }
    }
    if (value === null && options.isCreate && mapping.defaultValue !== null) value = mapping.defaultValue;
    if (value !== null) values.push({ targetAttributeName: mapping.targetAttributeName, value });
  }
  return { kind: "inScope", rule, objectMapping, reason: scope.reason, values, error };
}
