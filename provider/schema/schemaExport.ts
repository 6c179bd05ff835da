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

/** One scoping clause: `attribute operator values`. */
export interface ScopeClauseInput {
  attribute: string;
  operator: string;
  /** Omitted for unary operators (`IS TRUE`, `IS NULL`, …). */
  values?: string[];
}

/** An attribute mapping as a ProvisioningSchema input. */
export type AttributeMappingInput =
  | string
  | {
      expression: string;
      defaultValue?: string;
      flowType?: string;
      matchingPriority?: number;
      flowBehavior?: string;
    }
  | { constant: string }
  | null;

/** One object mapping as a ProvisioningSchema input: only what differs from the template. */
export interface ObjectMappingInput {
  sourceObjectName: string;
  targetObjectName?: string;
  ruleId?: string;
  enabled?: boolean;
  attributeMappings?: Record<string, AttributeMappingInput>;
  /** OR of ANDs; null = no filter. */
  scope?: ScopeClauseInput[][] | null;
}

/** An attribute definition added to a target directory's object. */
export interface TargetAttributeInput {
  object: string;
  name: string;
  type: string;
  multivalued?: boolean;
  required?: boolean;
  caseExact?: boolean;
  anchor?: boolean;
}

/** The inputs that reproduce a job's schema from its template's, and what they cannot express. */
export interface SchemaDifferences {
  objectMappings: ObjectMappingInput[];
  targetAttributes: TargetAttributeInput[];
  /** Differences a ProvisioningSchema cannot reproduce (e.g. an added object mapping), one line each. */
  notExported: string[];
}

// ---- normalisation -----------------------------------------------------------------------

/** Graph's defaults for the attribute-mapping fields the comparison looks at. */
const MAPPING_DEFAULTS = { flowType: "Always", flowBehavior: "FlowWhenChanged", matchingPriority: 0 };

/** A source tree without `expression` (Graph derives it), parameters in the order given. */
function sourceKey(source: AttributeMappingSource | null | undefined): unknown {
  if (!source) return null;
  return [
    source.type,
    source.name ?? null,
    (source.parameters ?? []).map((p) => [p.key, sourceKey(p.value)]),
  ];
}

/** Quotes a constant as the expression grammar writes string literals. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** The expression of a source: Graph's `expression` when present, else built from the tree. */
export function expressionOf(source: AttributeMappingSource): string {
  if (source.expression) return source.expression;
  if (source.type === "Attribute") return `[${source.name ?? ""}]`;
  if (source.type === "Constant") return quote(source.name ?? "");
  const args = (source.parameters ?? []).map((p) => (p.value ? expressionOf(p.value) : ""));
  return `${source.name ?? ""}(${args.join(", ")})`;
}

function normalisedMapping(mapping: AttributeMapping): unknown {
  return [
    sourceKey(mapping.source),
    mapping.defaultValue ?? null,
    mapping.flowType ?? MAPPING_DEFAULTS.flowType,
    mapping.flowBehavior ?? MAPPING_DEFAULTS.flowBehavior,
    mapping.matchingPriority ?? MAPPING_DEFAULTS.matchingPriority,
  ];
}

function sameMapping(a: AttributeMapping, b: AttributeMapping): boolean {
  return JSON.stringify(normalisedMapping(a)) === JSON.stringify(normalisedMapping(b));
}

/** A mapping as a ProvisioningSchema input: the shortest form that says everything Graph stores. */
export function mappingInput(mapping: AttributeMapping): AttributeMappingInput | undefined {
  if (!mapping.source) return undefined;
  const extras: {
    defaultValue?: string;
    flowType?: string;
    matchingPriority?: number;
    flowBehavior?: string;
  } = {};
  if (mapping.defaultValue !== null && mapping.defaultValue !== undefined)
    extras.defaultValue = mapping.defaultValue;
  if (mapping.flowType !== undefined && mapping.flowType !== MAPPING_DEFAULTS.flowType) {
    extras.flowType = mapping.flowType;
  }
  if (
    mapping.matchingPriority !== undefined &&
    mapping.matchingPriority !== MAPPING_DEFAULTS.matchingPriority
  ) {
    extras.matchingPriority = mapping.matchingPriority;
  }
  if (mapping.flowBehavior !== undefined && mapping.flowBehavior !== MAPPING_DEFAULTS.flowBehavior) {
    extras.flowBehavior = mapping.flowBehavior;
  }
  const hasExtras = Object.keys(extras).length > 0;
  if (!hasExtras && mapping.source.type === "Constant" && (mapping.source.parameters ?? []).length === 0) {
    return { constant: mapping.source.name ?? "" };
  }
  const expression = expressionOf(mapping.source);
  return hasExtras ? { expression, ...extras } : expression;
}

/** The scoping groups of a filter as OR-of-ANDs clauses; null when it has none. */
export function scopeClauses(scope: SynchronizationFilter | null | undefined): ScopeClauseInput[][] | null {
  const groups = (scope?.groups ?? []).filter((g) => (g.clauses ?? []).length > 0);
  if (groups.length === 0) return null;
  return groups.map((g) =>
    (g.clauses ?? []).map((c) => {
      const values = c.targetOperand?.values ?? [];
      return {
        attribute: c.sourceOperandName,
        operator: c.operatorName,
        ...(values.length > 0 ? { values: [...values] } : {}),
      };
    }),
  );
}

/** A canonical text of a scope: clause order within a group and group order do not matter. */
function scopeKey(scope: ScopeClauseInput[][] | null): string {
  if (!scope) return "null";
  return JSON.stringify(
    scope
      .map((group) =>
        group.map((c) => JSON.stringify([c.attribute, c.operator.toUpperCase(), c.values ?? []])).sort(),
      )
      .map((group) => JSON.stringify(group))
      .sort(),
  );
}

/** `department EQUALS Sales AND …` OR `…`; "all" when there is no filter. */
export function describeScope(scope: SynchronizationFilter | null | undefined): string {
  const clauses = scopeClauses(scope);
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
    if (before && sameMapping(before, mapping)) continue;
    const input = mappingInput(mapping);
    if (input === undefined) {
      notExported.push(
        `${where}: ${target} has no source (default value ${JSON.stringify(mapping.defaultValue ?? null)} only), which a ProvisioningSchema input cannot express`,
      );
      continue;
    }
    result[target] = input;
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

function targetAttributeInput(object: string, attribute: AttributeDefinition): TargetAttributeInput {
  return {
    object,
    name: attribute.name,
    type: attribute.type ?? "String",
    ...(attribute.multivalued ? { multivalued: true } : {}),
    ...(attribute.required ? { required: true } : {}),
    ...(attribute.caseExact ? { caseExact: true } : {}),
    ...(attribute.anchor ? { anchor: true } : {}),
  };
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
      const scope = scopeClauses(mapping.scope);
      if (scopeKey(scope) !== scopeKey(scopeClauses(before.scope))) input.scope = scope;
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

  const targetDirectories = new Set((job.synchronizationRules ?? []).map((r) => r.targetDirectoryName));
  const templateAttributes = attributesOf(template.directories);
  const jobAttributes = attributesOf(job.directories);
  const targetAttributes: TargetAttributeInput[] = [];
  for (const [key, { directory, object, attribute }] of jobAttributes) {
    if (templateAttributes.has(key)) continue;
    if (targetDirectories.has(directory)) targetAttributes.push(targetAttributeInput(object, attribute));
    else
      notExported.push(
        `attribute ${attribute.name} added to ${directory} ${object} (not a target directory)`,
      );
  }
  for (const [key, { directory, object, attribute }] of templateAttributes) {
    if (!jobAttributes.has(key)) {
      notExported.push(`attribute ${attribute.name} of ${directory} ${object} was removed (not expressible)`);
    }
  }
  return { objectMappings, targetAttributes, notExported };
}
