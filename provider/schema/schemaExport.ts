/**
 * What a job's synchronization schema changes relative to its template's default, expressed as the
 * inputs of a ProvisioningSchema (design.md §3): the object mappings whose `enabled`, scope or
 * attribute mappings differ, and the attribute definitions added to a target directory. Used by
 * `graph-provisioning schema export` to move mappings customised in the portal into code.
 */
import type {
  AttributeDefinition,
  AttributeMapping,
  AttributeMappingSource,
  DirectoryDefinition,
  ObjectMapping,
  SynchronizationFilter,
  SynchronizationRule,
  SynchronizationSchema,
} from "../graph/types";
import type {
  AttributeMappingInput,
  AttributeMappingOptions,
  ObjectMappingInput,
  TargetAttributeInput,
} from "./schemaInputs";
import {
  ATTRIBUTE_DEFINITION_DEFAULTS,
  ATTRIBUTE_MAPPING_DEFAULTS,
  sameAttributeDefinition,
  sameAttributeMapping,
  sameScopeGroups,
  scopeInputOf,
} from "./schemaModel";

/** The inputs that reproduce a job's schema from its template's, and what they cannot express. */
export interface SchemaDifferences {
  objectMappings: ObjectMappingInput[];
  targetAttributes: TargetAttributeInput[];
  /** Differences a ProvisioningSchema cannot reproduce (e.g. an added object mapping), one line each. */
  notExported: string[];
}

// ---- normalisation -----------------------------------------------------------------------

/** Quotes a constant as the expression grammar writes string literals. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The expression of a source: Graph's `expression` when present, else built from the tree. */
export function sourceExpression(source: AttributeMappingSource): string {
  if (source.expression) return source.expression;
  if (source.type === "Attribute") return `[${source.name ?? ""}]`;
  if (source.type === "Constant") return quote(source.name ?? "");
  const args = (source.parameters ?? []).map((p) => (p.value ? sourceExpression(p.value) : ""));
  return `${source.name ?? ""}(${args.join(", ")})`;
}

/**
 * A mapping as a ProvisioningSchema input: the shortest form that says everything Graph stores.
 * `before` is the template's mapping of the same target: an undeclared matchingPriority keeps the
 * job's current value, so it is written out whenever it is not the template's.
 */
export function mappingInput(mapping: AttributeMapping, before?: AttributeMapping): AttributeMappingInput {
  const d = ATTRIBUTE_MAPPING_DEFAULTS;
  const options: AttributeMappingOptions = {};
  if (mapping.defaultValue !== null && mapping.defaultValue !== undefined)
    options.defaultValue = mapping.defaultValue;
  if ((mapping.flowType ?? d.flowType) !== d.flowType) options.flowType = mapping.flowType;
  const priority = mapping.matchingPriority ?? d.matchingPriority;
  if (
    priority !== d.matchingPriority ||
    (before && (before.matchingPriority ?? d.matchingPriority) !== priority)
  ) {
    options.matchingPriority = priority;
  }
  if ((mapping.flowBehavior ?? d.flowBehavior) !== d.flowBehavior)
    options.flowBehavior = mapping.flowBehavior;
  const source = mapping.source;
  if (!source) return { ...options, defaultValue: options.defaultValue ?? "" };
  const hasOptions = Object.keys(options).length > 0;
  if (source.type === "Constant" && (source.parameters ?? []).length === 0) {
    return { constant: source.name ?? "", ...options };
  }
  const expression = sourceExpression(source);
  return hasOptions ? { expression, ...options } : expression;
}

/** `department EQUALS Sales AND …` OR `…`; "all" when there is no filter. */
export function describeScope(scope: SynchronizationFilter | null | undefined): string {
  const clauses = scopeInputOf(scope?.groups);
  const parts = clauses
    ? clauses.map((group) =>
        group
          .map((c) => [c.attribute, c.operator, ...(c.values ? [c.values.join("|")] : [])].join(" "))
          .join(" AND "),
      )
    : [];
  const other = (scope?.inputFilterGroups ?? []).length + (scope?.categoryFilterGroups ?? []).length;
  const text =
    parts.length === 0 ? "all" : parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(" OR ");
  return other > 0 ? `${text} (+${other} input/category filter groups)` : text;
}

// ---- matching the job's schema to the template's ------------------------------------------

function ruleLabel(rule: SynchronizationRule): string {
  return `rule ${rule.id}${rule.name ? ` (${rule.name})` : ""}`;
}

function mappingLabel(mapping: ObjectMapping): string {
  return `${mapping.sourceObjectName} → ${mapping.targetObjectName}`;
}

/** The template's rule for a job rule: same id, else same name and directories. */
function templateRuleOf(
  rule: SynchronizationRule,
  template: SynchronizationSchema,
): SynchronizationRule | undefined {
  const rules = template.synchronizationRules ?? [];
  return (
    rules.find((r) => r.id === rule.id) ??
    rules.find(
      (r) =>
        r.name === rule.name &&
        r.sourceDirectoryName === rule.sourceDirectoryName &&
        r.targetDirectoryName === rule.targetDirectoryName,
    )
  );
}

function sameObjects(a: ObjectMapping, b: ObjectMapping): boolean {
  return a.sourceObjectName === b.sourceObjectName && a.targetObjectName === b.targetObjectName;
}

/** How to identify `mapping` of `rule` among all the schema's object mappings (design.md §3). */
function identify(
  schema: SynchronizationSchema,
  rule: SynchronizationRule,
  mapping: ObjectMapping,
): Pick<ObjectMappingInput, "sourceObjectName" | "targetObjectName" | "ruleId"> {
  const all = (schema.synchronizationRules ?? []).flatMap((r) =>
    (r.objectMappings ?? []).map((m) => ({ r, m })),
  );
  const bySource = all.filter(({ m }) => m.sourceObjectName === mapping.sourceObjectName);
  const byTarget = bySource.filter(({ m }) => m.targetObjectName === mapping.targetObjectName);
  return {
    sourceObjectName: mapping.sourceObjectName,
    ...(bySource.length > 1 ? { targetObjectName: mapping.targetObjectName } : {}),
    ...(byTarget.length > 1 ? { ruleId: rule.id } : {}),
  };
}

function diffAttributeMappings(
  job: ObjectMapping,
  template: ObjectMapping,
  where: string,
  notExported: string[],
): Record<string, AttributeMappingInput> | undefined {
  const result: Record<string, AttributeMappingInput> = {};
  const templateByTarget = new Map((template.attributeMappings ?? []).map((m) => [m.targetAttributeName, m]));
  const jobTargets = new Set<string>();
  for (const mapping of job.attributeMappings ?? []) {
    const target = mapping.targetAttributeName;
    if (jobTargets.has(target)) {
      notExported.push(`${where}: ${target} is mapped more than once; only the first mapping is exported`);
      continue;
    }
    jobTargets.add(target);
    const before = templateByTarget.get(target);
    if (before && sameAttributeMapping(before, mapping)) continue;
    result[target] = mappingInput(mapping, before);
  }
  for (const target of templateByTarget.keys()) {
    if (!jobTargets.has(target)) result[target] = null;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function attributeKey(directory: string, object: string, attribute: string): string {
  return JSON.stringify([directory, object, attribute]);
}

function attributesOf(directories: DirectoryDefinition[] | null | undefined) {
  const map = new Map<string, { directory: string; object: string; attribute: AttributeDefinition }>();
  for (const directory of directories ?? []) {
    for (const object of directory.objects ?? []) {
      for (const attribute of object.attributes ?? []) {
        map.set(attributeKey(directory.name ?? directory.id, object.name, attribute.name), {
          directory: directory.name ?? directory.id,
          object: object.name,
          attribute,
        });
      }
    }
  }
  return map;
}

/** A definition as a ProvisioningSchema input: name, type, and every field not at Graph's default. */
function targetAttributeInput(
  object: string,
  attribute: AttributeDefinition,
  directory: string | undefined,
): TargetAttributeInput {
  const d = ATTRIBUTE_DEFINITION_DEFAULTS;
  const input: TargetAttributeInput = { object, name: attribute.name, type: attribute.type ?? d.type };
  if (directory !== undefined) input.directory = directory;
  for (const flag of ["multivalued", "required", "caseExact", "anchor", "flowNullValues"] as const) {
    if ((attribute[flag] ?? d[flag]) !== d[flag]) input[flag] = attribute[flag];
  }
  if ((attribute.mutability ?? d.mutability) !== d.mutability) input.mutability = attribute.mutability;
  const refs = (attribute.referencedObjects ?? []).filter((r) => r.referencedObjectName);
  if (refs.length > 0) {
    input.referencedObjects = refs.map((r) => ({
      referencedObjectName: r.referencedObjectName as string,
      ...(r.referencedProperty ? { referencedProperty: r.referencedProperty } : {}),
    }));
  }
  const expressions = (attribute.apiExpressions ?? []).filter((e) => e.key);
  if (expressions.length > 0) {
    input.apiExpressions = expressions.map((e) => ({ key: e.key, value: e.value ?? "" }));
  }
  return input;
}

/**
 * The ProvisioningSchema inputs that turn `template` (a synchronization template's default schema)
 * into `job` (the job's current schema), and the differences they cannot express.
 */
export function schemaDifferences(
  job: SynchronizationSchema,
  template: SynchronizationSchema,
): SchemaDifferences {
  const objectMappings: ObjectMappingInput[] = [];
  const notExported: string[] = [];
  for (const rule of job.synchronizationRules ?? []) {
    const templateRule = templateRuleOf(rule, template);
    if (!templateRule) {
      notExported.push(`${ruleLabel(rule)} is not in the template (a ProvisioningSchema cannot add rules)`);
      continue;
    }
    for (const mapping of rule.objectMappings ?? []) {
      const where = `${ruleLabel(rule)}, ${mappingLabel(mapping)}`;
      const before = (templateRule.objectMappings ?? []).find((m) => sameObjects(m, mapping));
      if (!before) {
        notExported.push(`${where} is not in the template (a ProvisioningSchema cannot add object mappings)`);
        continue;
      }
      const input: ObjectMappingInput = identify(job, rule, mapping);
      if (mapping.enabled !== before.enabled) input.enabled = mapping.enabled;
      if (!sameScopeGroups(mapping.scope?.groups, before.scope?.groups)) {
        input.scope = scopeInputOf(mapping.scope?.groups);
      }
      const otherGroups = (s: SynchronizationFilter | null | undefined) =>
        JSON.stringify([s?.inputFilterGroups ?? [], s?.categoryFilterGroups ?? []]);
      if (otherGroups(mapping.scope) !== otherGroups(before.scope)) {
        notExported.push(
          `${where}: input or category filter groups differ, which a ProvisioningSchema does not manage`,
        );
      }
      const attributeMappings = diffAttributeMappings(mapping, before, where, notExported);
      if (attributeMappings) input.attributeMappings = attributeMappings;
      if (input.enabled !== undefined || input.scope !== undefined || input.attributeMappings) {
        objectMappings.push(input);
      }
    }
    for (const mapping of templateRule.objectMappings ?? []) {
      if (!(rule.objectMappings ?? []).some((m) => sameObjects(m, mapping))) {
        notExported.push(
          `${ruleLabel(rule)}, ${mappingLabel(mapping)} was removed from the template's (a ProvisioningSchema cannot remove object mappings)`,
        );
      }
    }
  }
  for (const rule of template.synchronizationRules ?? []) {
    if (!(job.synchronizationRules ?? []).some((r) => templateRuleOf(r, template) === rule)) {
      notExported.push(`${ruleLabel(rule)} of the template is not in the job's schema`);
    }
  }

  // Attribute definitions added or changed; `directory` only where the default (the rules' target
  // directory) would not find them.
  const targetDirectories = new Set((job.synchronizationRules ?? []).map((r) => r.targetDirectoryName));
  const templateAttributes = attributesOf(template.directories);
  const jobAttributes = attributesOf(job.directories);
  const targetAttributes: TargetAttributeInput[] = [];
  for (const [key, { directory, object, attribute }] of jobAttributes) {
    if (sameAttributeDefinition(templateAttributes.get(key)?.attribute, attribute)) continue;
    const inTarget = targetDirectories.size === 1 && targetDirectories.has(directory);
    targetAttributes.push(targetAttributeInput(object, attribute, inTarget ? undefined : directory));
  }
  for (const [key, { directory, object, attribute }] of templateAttributes) {
    if (!jobAttributes.has(key)) {
      notExported.push(
        `attribute ${attribute.name} of ${directory} ${object} was removed (a ProvisioningSchema only adds or changes definitions)`,
      );
    }
  }
  return { objectMappings, targetAttributes, notExported };
}
