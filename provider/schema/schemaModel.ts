/**
 * The comparison model of ProvisioningSchema: how declared inputs map onto a job's
 * synchronization schema, how two mappings, scopes or attribute definitions compare semantically
 * (order-insensitive, Graph's defaults filled in, expressions by Graph's parsed form), and how the
 * owned parts are spliced into a schema read from Graph, leaving everything else as it was.
 * Pure functions over plain data: no Graph calls here.
 */
import type {
  AttributeDefinition,
  AttributeMapping,
  AttributeMappingSource,
  DirectoryDefinition,
  FilterGroup,
  ObjectDefinition,
  ObjectMapping,
  SynchronizationFilter,
  SynchronizationRule,
  SynchronizationSchema,
} from "../graph/types";
import { canonicalExpressionText } from "./expressionSyntax";
import type {
  AttributeMappingInput,
  AttributeMappingOptions,
  ObjectMappingInput,
  ProvisioningSchemaSpec,
  ScopeInput,
  TargetAttributeInput,
} from "./schemaInputs";

/** Graph's values for attribute-mapping fields a declaration leaves out. */
export const ATTRIBUTE_MAPPING_DEFAULTS = {
  defaultValue: null,
  exportMissingReferences: false,
  flowBehavior: "FlowWhenChanged",
  flowType: "Always",
  matchingPriority: 0,
} as const;

/** Graph's values for attribute-definition fields a declaration leaves out. */
export const ATTRIBUTE_DEFINITION_DEFAULTS = {
  anchor: false,
  caseExact: false,
  flowNullValues: false,
  multivalued: false,
  mutability: "ReadWrite",
  required: false,
  type: "String",
} as const;

/** Graph's parsed form of each declared expression, keyed by its canonical text. */
export type ParsedSources = Record<string, AttributeMappingSource>;

const sameName = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

// ---- locating object mappings ------------------------------------------------------------

/** An object mapping inside its rule. */
export interface ObjectMappingLocation {
  rule: SynchronizationRule;
  mapping: ObjectMapping;
}

/** How an object mapping is identified in inputs (and in messages). */
export type ObjectMappingIdentity = Pick<
  ObjectMappingInput,
  "sourceObjectName" | "targetObjectName" | "ruleId"
>;

/** `User → urn:…:User (rule 03f7…, USERGROUP_OUTBOUND_USERGROUP)` */
export function describeObjectMapping(location: ObjectMappingLocation): string {
  const { rule, mapping } = location;
  return `${mapping.sourceObjectName} → ${mapping.targetObjectName} (ruleId ${rule.id}${rule.name ? `, ${rule.name}` : ""})`;
}

/** Every object mapping of `schema` matching `identity` (names compare case-insensitively). */
export function findObjectMappings(
  schema: SynchronizationSchema,
  identity: ObjectMappingIdentity,
): ObjectMappingLocation[] {
  const found: ObjectMappingLocation[] = [];
  for (const rule of schema.synchronizationRules ?? []) {
    if (identity.ruleId !== undefined && identity.ruleId !== null && rule.id !== identity.ruleId) continue;
    for (const mapping of rule.objectMappings ?? []) {
      if (!sameName(mapping.sourceObjectName, identity.sourceObjectName)) continue;
      if (
        identity.targetObjectName !== undefined &&
        identity.targetObjectName !== null &&
        !sameName(mapping.targetObjectName, identity.targetObjectName)
      )
        continue;
      found.push({ rule, mapping });
    }
  }
  return found;
}

/** Every object mapping of the schema, for messages. */
function allObjectMappings(schema: SynchronizationSchema): ObjectMappingLocation[] {
  return (schema.synchronizationRules ?? []).flatMap((rule) =>
    (rule.objectMappings ?? []).map((mapping) => ({ rule, mapping })),
  );
}

/**
 * The one object mapping `identity` names; otherwise an error naming the field, what matched (or
 * every object mapping of the schema when nothing did) and how to tell them apart.
 */
export function locateObjectMapping(
  schema: SynchronizationSchema,
  identity: ObjectMappingIdentity,
  path: string,
): ObjectMappingLocation {
  const found = findObjectMappings(schema, identity);
  if (found.length === 1) return found[0];
  const wanted = [
    `sourceObjectName "${identity.sourceObjectName}"`,
    identity.targetObjectName ? `targetObjectName "${identity.targetObjectName}"` : undefined,
    identity.ruleId ? `ruleId "${identity.ruleId}"` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  if (found.length === 0) {
    const all = allObjectMappings(schema).map(describeObjectMapping);
    throw new Error(
      `${path} (${wanted}) matches no object mapping of the job's schema. ` +
        `The schema has: ${all.length > 0 ? all.join("; ") : "no object mappings"}.`,
    );
  }
  throw new Error(
    `${path} (${wanted}) matches ${found.length} object mappings: ${found.map(describeObjectMapping).join("; ")}. ` +
      `Add targetObjectName and/or ruleId to say which one.`,
  );
}

// ---- attribute mappings --------------------------------------------------------------------

/** The expression of a declared mapping that Graph has to parse (none for constants and default-only). */
export function expressionOf(input: AttributeMappingInput): string | undefined {
  if (typeof input === "string") return input;
  if (
    input !== null &&
    typeof input === "object" &&
    "expression" in input &&
    typeof input.expression === "string"
  ) {
    return input.expression;
  }
  return undefined;
}

/** The key under which Graph's parsed form of `expression` is cached: its canonical text. */
export function expressionKey(expression: string): string {
  return canonicalExpressionText(expression);
}

/** The source of a constant mapping, as Graph stores constants (`name` holds the value). */
export function constantSource(value: string): AttributeMappingSource {
  return {
    expression: `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`,
    name: value,
    parameters: [],
    type: "Constant",
  };
}

/**
 * The attribute mapping a declaration asks for, over the job's `current` one (which supplies only
 * matchingPriority when undeclared, and Graph's internal exportMissingReferences). Undefined when
 * the declaration's expression has not been parsed yet (not in `parsed`).
 */
export function desiredAttributeMapping(
  targetAttributeName: string,
  input: Exclude<AttributeMappingInput, null>,
  parsed: ParsedSources,
  current?: AttributeMapping,
): AttributeMapping | undefined {
  let source: AttributeMappingSource | null;
  const expression = expressionOf(input);
  if (expression !== undefined) {
    const p = parsed[expressionKey(expression)];
    if (p === undefined) return undefined;
    source = p;
  } else if (typeof input === "object" && "constant" in input && typeof input.constant === "string") {
    source = constantSource(input.constant);
  } else {
    source = null;
  }
  const options: AttributeMappingOptions = typeof input === "string" ? {} : input;
  return {
    defaultValue: options.defaultValue ?? ATTRIBUTE_MAPPING_DEFAULTS.defaultValue,
    exportMissingReferences:
      current?.exportMissingReferences ?? ATTRIBUTE_MAPPING_DEFAULTS.exportMissingReferences,
    flowBehavior: options.flowBehavior ?? ATTRIBUTE_MAPPING_DEFAULTS.flowBehavior,
    flowType: options.flowType ?? ATTRIBUTE_MAPPING_DEFAULTS.flowType,
    matchingPriority:
      options.matchingPriority ?? current?.matchingPriority ?? ATTRIBUTE_MAPPING_DEFAULTS.matchingPriority,
    source,
    targetAttributeName,
  };
}

type SourceTree = { type: string; name: string | null; parameters: [string, SourceTree | null][] } | null;

function sourceTree(source: AttributeMappingSource | null | undefined): SourceTree {
  if (source === null || source === undefined) return null;
  return {
    type: source.type,
    name: source.name ?? null,
    parameters: (source.parameters ?? []).map((p) => [p.key, sourceTree(p.value)]),
  };
}

/**
 * Two sources are the same when their canonical expression texts are equal, or their trees (type,
 * name, parameters by key in order) are: Graph may store a source with or without `expression`.
 */
export function sameSource(
  a: AttributeMappingSource | null | undefined,
  b: AttributeMappingSource | null | undefined,
): boolean {
  if ((a ?? null) === null || (b ?? null) === null) return (a ?? null) === (b ?? null);
  if (typeof a!.expression === "string" && typeof b!.expression === "string") {
    if (canonicalExpressionText(a!.expression) === canonicalExpressionText(b!.expression)) return true;
  }
  return JSON.stringify(sourceTree(a)) === JSON.stringify(sourceTree(b));
}

/** Semantic equality of two attribute mappings (absent = null; Graph's defaults filled in). */
export function sameAttributeMapping(
  a: AttributeMapping | null | undefined,
  b: AttributeMapping | null | undefined,
): boolean {
  if (!a || !b) return !a && !b;
  const d = ATTRIBUTE_MAPPING_DEFAULTS;
  return (
    sameName(a.targetAttributeName, b.targetAttributeName) &&
    (a.defaultValue ?? d.defaultValue) === (b.defaultValue ?? d.defaultValue) &&
    (a.flowBehavior ?? d.flowBehavior) === (b.flowBehavior ?? d.flowBehavior) &&
    (a.flowType ?? d.flowType) === (b.flowType ?? d.flowType) &&
    (a.matchingPriority ?? d.matchingPriority) === (b.matchingPriority ?? d.matchingPriority) &&
    sameSource(a.source, b.source)
  );
}

/** Index of the mapping of `target` in `mappings` (case-insensitive, as SCIM names are), or -1. */
export function indexOfAttributeMapping(mappings: AttributeMapping[], target: string): number {
  const exact = mappings.findIndex((m) => m.targetAttributeName === target);
  return exact >= 0 ? exact : mappings.findIndex((m) => sameName(m.targetAttributeName, target));
}

// ---- scope ---------------------------------------------------------------------------------

/** The filter groups of a declared scope (OR of ANDs); null/empty = no filter. */
export function scopeGroupsOf(scope: ScopeInput | undefined): FilterGroup[] {
  return (scope ?? []).map((clauses, i) => ({
    clauses: clauses.map((c) => ({
      operatorName: c.operator,
      sourceOperandName: c.attribute,
      targetOperand: { values: [...(c.values ?? [])] },
    })),
    name: `Scope ${i + 1}`,
  }));
}

/** A declared scope in the input shape, from Graph's groups (for outputs and `schema export`). */
export function scopeInputOf(groups: FilterGroup[] | null | undefined): ScopeInput {
  if (!groups || groups.length === 0) return null;
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

function groupKey(group: FilterGroup): string {
  return JSON.stringify(
    (group.clauses ?? [])
      .map((c) =>
        JSON.stringify([
          c.sourceOperandName.toLowerCase(),
          c.operatorName,
          [...(c.targetOperand?.values ?? [])].sort(),
        ]),
      )
      .sort(),
  );
}

/** Same OR-of-ANDs, whatever the order of groups, clauses and values, and the group names. */
export function sameScopeGroups(
  a: FilterGroup[] | null | undefined,
  b: FilterGroup[] | null | undefined,
): boolean {
  const ka = (a ?? []).map(groupKey).sort();
  const kb = (b ?? []).map(groupKey).sort();
  return JSON.stringify(ka) === JSON.stringify(kb);
}

/**
 * `filter` with its scoping `groups` replaced by `groups` (names of semantically equal existing
 * groups kept), its input/category filter groups left as they were.
 */
export function withScopeGroups(
  filter: SynchronizationFilter | null | undefined,
  groups: FilterGroup[],
): SynchronizationFilter {
  const existing = new Map((filter?.groups ?? []).map((g) => [groupKey(g), g.name]));
  return {
    categoryFilterGroups: filter?.categoryFilterGroups ?? [],
    groups: groups.map((g) => ({ ...g, name: existing.get(groupKey(g)) ?? g.name })),
    inputFilterGroups: filter?.inputFilterGroups ?? [],
  };
}

// ---- target attributes -------------------------------------------------------------------

/** The attribute definition a declaration asks for (metadata kept from the current one). */
export function desiredAttributeDefinition(
  input: TargetAttributeInput,
  current?: AttributeDefinition,
): AttributeDefinition {
  const d = ATTRIBUTE_DEFINITION_DEFAULTS;
  return {
    anchor: input.anchor ?? d.anchor,
    apiExpressions: (input.apiExpressions ?? []).map((e) => ({ key: e.key, value: e.value })),
    caseExact: input.caseExact ?? d.caseExact,
    defaultValue: current?.defaultValue ?? null,
    flowNullValues: input.flowNullValues ?? d.flowNullValues,
    metadata: current?.metadata ?? [],
    multivalued: input.multivalued ?? d.multivalued,
    mutability: input.mutability ?? d.mutability,
    name: input.name,
    referencedObjects: (input.referencedObjects ?? []).map((r) => ({
      referencedObjectName: r.referencedObjectName,
      referencedProperty: r.referencedProperty ?? null,
    })),
    required: input.required ?? d.required,
    type: input.type ?? d.type,
  };
}

/** Semantic equality of attribute definitions (metadata and defaultValue are not owned). */
export function sameAttributeDefinition(
  a: AttributeDefinition | null | undefined,
  b: AttributeDefinition | null | undefined,
): boolean {
  if (!a || !b) return !a && !b;
  const d = ATTRIBUTE_DEFINITION_DEFAULTS;
  const pairs = (list: { key?: string | null; value?: string | null }[] | null | undefined) =>
    JSON.stringify((list ?? []).map((p) => [p.key ?? null, p.value ?? null]).sort());
  const refs = (list: AttributeDefinition["referencedObjects"]) =>
    JSON.stringify(
      (list ?? []).map((r) => [r.referencedObjectName ?? null, r.referencedProperty ?? null]).sort(),
    );
  return (
    sameName(a.name, b.name) &&
    (a.anchor ?? d.anchor) === (b.anchor ?? d.anchor) &&
    (a.caseExact ?? d.caseExact) === (b.caseExact ?? d.caseExact) &&
    (a.flowNullValues ?? d.flowNullValues) === (b.flowNullValues ?? d.flowNullValues) &&
    (a.multivalued ?? d.multivalued) === (b.multivalued ?? d.multivalued) &&
    (a.mutability ?? d.mutability) === (b.mutability ?? d.mutability) &&
    (a.required ?? d.required) === (b.required ?? d.required) &&
    (a.type ?? d.type) === (b.type ?? d.type) &&
    pairs(a.apiExpressions) === pairs(b.apiExpressions) &&
    refs(a.referencedObjects) === refs(b.referencedObjects)
  );
}

/** An object definition inside its directory. */
export interface TargetObjectLocation {
  directory: DirectoryDefinition;
  object: ObjectDefinition;
}

/**
 * Where a declared target attribute lives: `directory` when given, else the rules' target
 * directories, holding an object named `object`. None or several ⇒ an error naming the candidates.
 */
export function locateTargetObject(
  schema: SynchronizationSchema,
  input: Pick<TargetAttributeInput, "object" | "directory">,
  path: string,
): TargetObjectLocation {
  const targets = new Set(
    (schema.synchronizationRules ?? []).map((r) => (r.targetDirectoryName ?? "").toLowerCase()),
  );
  const directories = (schema.directories ?? []).filter((d) =>
    input.directory !== undefined
      ? sameName(d.name, input.directory)
      : targets.has((d.name ?? "").toLowerCase()),
  );
  const found: TargetObjectLocation[] = [];
  for (const directory of directories) {
    for (const object of directory.objects ?? []) {
      if (sameName(object.name, input.object)) found.push({ directory, object });
    }
  }
  if (found.length === 1) return found[0];
  const candidates = directories.flatMap((d) =>
    (d.objects ?? []).map((o) => `${o.name} (directory ${d.name})`),
  );
  if (found.length === 0) {
    throw new Error(
      `${path}: no object "${input.object}" in ${input.directory ? `directory "${input.directory}"` : "the rules' target directories"}. ` +
        `Objects there: ${candidates.length > 0 ? candidates.join(", ") : "none"}${input.directory === undefined ? "; set directory to use another one" : ""}.`,
    );
  }
  throw new Error(
    `${path}: object "${input.object}" exists in several directories (${found.map((f) => f.directory.name).join(", ")}); set directory.`,
  );
}

// ---- the owned entries as Graph stores them ----------------------------------------------

/** One declared object mapping as Graph stores its owned parts (null entries: not found). */
export interface OwnedObjectMapping {
  ruleId: string;
  sourceObjectName: string;
  targetObjectName: string;
  /** Present when `enabled` is declared. */
  enabled?: boolean;
  /** Present when `scope` is declared: the scoping groups (null: none). */
  scope?: FilterGroup[] | null;
  /** Each declared target attribute: Graph's mapping, or null when it has none. */
  attributeMappings: Record<string, AttributeMapping | null>;
}

/** One declared target attribute as Graph stores it (definition null: absent). */
export interface OwnedTargetAttribute {
  directory: string;
  object: string;
  name: string;
  definition: AttributeDefinition | null;
}

/** Index-aligned with the declarations; null where the object mapping or target object is missing. */
export interface OwnedEntries {
  objectMappings: (OwnedObjectMapping | null)[];
  targetAttributes: (OwnedTargetAttribute | null)[];
}

function tryLocate<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

/** The owned parts of `schema` for `spec` (what refresh records and diff compares with). */
export function ownedEntriesOf(schema: SynchronizationSchema, spec: ProvisioningSchemaSpec): OwnedEntries {
  return {
    objectMappings: spec.objectMappings.map((om) => {
      const loc = tryLocate(() => locateObjectMapping(schema, om, ""));
      if (loc === null) return null;
      const mappings = loc.mapping.attributeMappings ?? [];
      const owned: OwnedObjectMapping = {
        ruleId: loc.rule.id,
        sourceObjectName: loc.mapping.sourceObjectName,
        targetObjectName: loc.mapping.targetObjectName,
        attributeMappings: {},
      };
      if (om.enabled !== undefined && om.enabled !== null) owned.enabled = loc.mapping.enabled;
      if (om.scope !== undefined)
        owned.scope = loc.mapping.scope?.groups?.length ? loc.mapping.scope.groups : null;
      for (const target of Object.keys(om.attributeMappings ?? {})) {
        const i = indexOfAttributeMapping(mappings, target);
        owned.attributeMappings[target] = i >= 0 ? mappings[i] : null;
      }
      return owned;
    }),
    targetAttributes: (spec.targetAttributes ?? []).map((ta) => {
      const loc = tryLocate(() => locateTargetObject(schema, ta, ""));
      if (loc === null) return null;
      const def = (loc.object.attributes ?? []).find((a) => sameName(a.name, ta.name)) ?? null;
      return { directory: loc.directory.name ?? "", object: loc.object.name, name: ta.name, definition: def };
    }),
  };
}

// ---- splicing ------------------------------------------------------------------------------

/** A schema with the declared parts spliced in, and the paths that changed (empty: no PUT). */
export interface SpliceResult {
  schema: SynchronizationSchema;
  changes: string[];
}

/**
 * Splices the declared parts of `spec` into a copy of `current` (read from Graph) and reports what
 * changed semantically. Everything not declared is left exactly as read. Throws when a declared
 * object mapping or target object is not in the schema (naming the candidates), or when an
 * expression has no entry in `parsed`.
 */
export function spliceSchema(
  current: SynchronizationSchema,
  spec: ProvisioningSchemaSpec,
  parsed: ParsedSources,
): SpliceResult {
  const schema = structuredClone(current);
  const changes: string[] = [];
  // Target attributes first: a mapping may need the definition.
  (spec.targetAttributes ?? []).forEach((ta, j) => {
    const path = `targetAttributes[${j}]`;
    const { object } = locateTargetObject(schema, ta, path);
    const attributes = (object.attributes ??= []);
    const i = attributes.findIndex((a) => sameName(a.name, ta.name));
    const desired = desiredAttributeDefinition(ta, i >= 0 ? attributes[i] : undefined);
    if (i < 0) {
      attributes.push(desired);
      changes.push(path);
    } else if (!sameAttributeDefinition(attributes[i], desired)) {
      attributes[i] = desired;
      changes.push(path);
    }
  });
  spec.objectMappings.forEach((om, k) => {
    const path = `objectMappings[${k}]`;
    const { mapping } = locateObjectMapping(schema, om, path);
    if (om.enabled !== undefined && om.enabled !== null && mapping.enabled !== om.enabled) {
      mapping.enabled = om.enabled;
      changes.push(`${path}.enabled`);
    }
    if (om.scope !== undefined) {
      const groups = scopeGroupsOf(om.scope);
      if (!sameScopeGroups(mapping.scope?.groups, groups)) {
        mapping.scope = withScopeGroups(mapping.scope, groups);
        changes.push(`${path}.scope`);
      }
    }
    const mappings = (mapping.attributeMappings ??= []);
    for (const [target, input] of Object.entries(om.attributeMappings ?? {})) {
      const p = `${path}.attributeMappings[${JSON.stringify(target)}]`;
      const i = indexOfAttributeMapping(mappings, target);
      if (input === null) {
        if (i >= 0) {
          mappings.splice(i, 1);
          changes.push(p);
        }
        continue;
      }
      const desired = desiredAttributeMapping(target, input, parsed, i >= 0 ? mappings[i] : undefined);
      if (desired === undefined)
        throw new Error(`${p}: the expression was not parsed by Graph before splicing`);
      if (i < 0) {
        mappings.push(desired);
        changes.push(p);
      } else if (!sameAttributeMapping(mappings[i], desired)) {
        mappings[i] = desired;
        changes.push(p);
      }
    }
  });
  return { schema, changes };
}

// ---- releasing owned entries (onDelete, or declarations removed from the program) ----------

/** Owned parts no longer declared: each goes back to the template's default (or is left). */
export interface ReleasedEntries {
  objectMappings: (ObjectMappingIdentity & { attributes: string[]; scope: boolean; enabled: boolean })[];
  targetAttributes: Pick<TargetAttributeInput, "object" | "name" | "directory">[];
}

/** What `before` owned that `after` no longer declares (identities resolved via `owned` when known). */
export function releasedEntries(
  before: ProvisioningSchemaSpec,
  after: ProvisioningSchemaSpec,
  owned?: OwnedEntries | null,
): ReleasedEntries {
  const key = (om: ObjectMappingIdentity) =>
    JSON.stringify([
      om.sourceObjectName.toLowerCase(),
      om.targetObjectName?.toLowerCase() ?? null,
      om.ruleId ?? null,
    ]);
  const afterByKey = new Map(after.objectMappings.map((om) => [key(om), om]));
  const released: ReleasedEntries = { objectMappings: [], targetAttributes: [] };
  before.objectMappings.forEach((om, i) => {
    const now = afterByKey.get(key(om));
    const attributes = Object.keys(om.attributeMappings ?? {}).filter(
      (t) => now === undefined || !Object.keys(now.attributeMappings ?? {}).some((n) => sameName(n, t)),
    );
    const scope = om.scope !== undefined && (now === undefined || now.scope === undefined);
    const enabled =
      om.enabled !== undefined &&
      om.enabled !== null &&
      (now === undefined || now.enabled === undefined || now.enabled === null);
    if (attributes.length === 0 && !scope && !enabled) return;
    const resolved = owned?.objectMappings[i];
    released.objectMappings.push({
      sourceObjectName: om.sourceObjectName,
      targetObjectName: resolved?.targetObjectName ?? om.targetObjectName,
      ruleId: resolved?.ruleId ?? om.ruleId,
      attributes,
      scope,
      enabled,
    });
  });
  for (const ta of before.targetAttributes ?? []) {
    const kept = (after.targetAttributes ?? []).some(
      (n) =>
        sameName(n.object, ta.object) && sameName(n.name, ta.name) && sameName(n.directory, ta.directory),
    );
    if (!kept) released.targetAttributes.push({ object: ta.object, name: ta.name, directory: ta.directory });
  }
  return released;
}

/** True when nothing is released. */
export function nothingReleased(released: ReleasedEntries): boolean {
  return released.objectMappings.length === 0 && released.targetAttributes.length === 0;
}

/**
 * Puts each released entry of `schema` (a copy is changed) back to what `template` has: the
 * template's mapping, scope, enabled flag or attribute definition, or none when the template has
 * none. Entries whose object mapping is gone from the job's schema are skipped.
 */
export function restoreFromTemplate(
  current: SynchronizationSchema,
  template: SynchronizationSchema,
  released: ReleasedEntries,
): SpliceResult {
  const schema = structuredClone(current);
  const changes: string[] = [];
  for (const entry of released.objectMappings) {
    const loc = tryLocate(() => locateObjectMapping(schema, entry, ""));
    if (loc === null) continue;
    const identity = {
      sourceObjectName: loc.mapping.sourceObjectName,
      targetObjectName: loc.mapping.targetObjectName,
    };
    const found = findObjectMappings(template, { ...identity, ruleId: loc.rule.id });
    const original = (found.length === 1 ? found : findObjectMappings(template, identity))[0]?.mapping;
    const label = describeObjectMapping(loc);
    if (entry.enabled && original !== undefined && loc.mapping.enabled !== original.enabled) {
      loc.mapping.enabled = original.enabled;
      changes.push(`${label}.enabled`);
    }
    if (entry.scope && !sameScopeGroups(loc.mapping.scope?.groups, original?.scope?.groups)) {
      loc.mapping.scope = withScopeGroups(loc.mapping.scope, structuredClone(original?.scope?.groups ?? []));
      changes.push(`${label}.scope`);
    }
    const mappings = (loc.mapping.attributeMappings ??= []);
    for (const target of entry.attributes) {
      const i = indexOfAttributeMapping(mappings, target);
      const templateMappings = original?.attributeMappings ?? [];
      const t = indexOfAttributeMapping(templateMappings, target);
      const wanted = t >= 0 ? structuredClone(templateMappings[t]) : null;
      if (sameAttributeMapping(i >= 0 ? mappings[i] : null, wanted)) continue;
      if (wanted === null) mappings.splice(i, 1);
      else if (i >= 0) mappings[i] = wanted;
      else mappings.push(wanted);
      changes.push(`${label}.attributeMappings[${JSON.stringify(target)}]`);
    }
  }
  for (const ta of released.targetAttributes) {
    const loc = tryLocate(() => locateTargetObject(schema, ta, ""));
    if (loc === null) continue;
    const tloc = tryLocate(() =>
      locateTargetObject(
        template,
        { object: loc.object.name, directory: loc.directory.name ?? undefined },
        "",
      ),
    );
    const wanted = (tloc?.object.attributes ?? []).find((a) => sameName(a.name, ta.name)) ?? null;
    const attributes = (loc.object.attributes ??= []);
    const i = attributes.findIndex((a) => sameName(a.name, ta.name));
    if (sameAttributeDefinition(i >= 0 ? attributes[i] : null, wanted)) continue;
    if (wanted === null) attributes.splice(i, 1);
    else if (i >= 0) attributes[i] = structuredClone(wanted);
    else attributes.push(structuredClone(wanted));
    changes.push(`targetAttributes ${ta.object}.${ta.name}`);
  }
  return { schema, changes };
}
