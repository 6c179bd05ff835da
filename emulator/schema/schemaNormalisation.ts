/**
 * What Graph does with a PUT schema body before storing it: OData deserialisation (unknown properties
 * rejected, enum members checked, omitted non-nullable properties given their CLR default — false, 0, the
 * first enum member — omitted collections empty), the backend's attribute-mapping order, expressions in
 * canonical form with the parsed attributeMappingSource, and validation against the directories (a mapped
 * source or target attribute, a scoping operand, an object or directory name that is not declared ⇒ 400).
 * Defaults and the canonical source come from graph-schema.md §1–2; the validation messages and the
 * `expression`-wins rule when a source has both an expression and a tree are the emulator's (unverified).
 */
import { EmulatorError } from "../errors";
import {
  expressionOfSource,
  ExpressionSyntaxError,
  toMappingSource,
  type ExpressionNode,
} from "./expression";
import { findOperator } from "./scopingFilter";
import { canonicalAttributeMappingOrder } from "./schemaOrder";
import type {
  AttributeDefinition,
  AttributeMapping,
  AttributeMappingSource,
  DirectoryDefinition,
  Filter,
  FilterClause,
  FilterGroup,
  KeyValue,
  ObjectDefinition,
  ObjectMapping,
  SynchronizationRule,
  SynchronizationSchema,
} from "./schemaTypes";

/** A 400 in Graph's envelope naming the offending property path. */
export function schemaBadRequest(message: string): EmulatorError {
  return new EmulatorError(400, "BadRequest", message);
}

type Json = Record<string, unknown>;

const ENUMS = {
  attributeType: ["String", "Integer", "Reference", "Binary", "Boolean", "DateTime"],
  mutability: ["ReadWrite", "ReadOnly", "Immutable", "WriteOnly"],
  attributeFlowBehavior: ["FlowWhenChanged", "FlowAlways"],
  attributeFlowType: ["Always", "ObjectAddOnly", "MultiValueAddOnly", "ValueAddOnly", "AttributeAddOnly"],
  attributeMappingSourceType: ["Attribute", "Constant", "Function"],
} as const;
const FLAGS = {
  objectFlowTypes: ["None", "Add", "Update", "Delete"],
  directoryDefinitionDiscoverabilities: [
    "None",
    "AttributeNames",
    "AttributeDataTypes",
    "AttributeReadOnly",
    "ReferenceAttributes",
    "UnknownFutureValue",
  ],
} as const;

class Reader {
  constructor(
    private readonly value: Json,
    readonly path: string,
    typeName: string,
    allowed: string[],
  ) {
    for (const key of Object.keys(value)) {
      if (key.startsWith("@odata.") || key.includes("@odata.")) continue;
      if (!allowed.includes(key))
        throw schemaBadRequest(
          `${path}: The property '${key}' does not exist on type 'microsoft.graph.${typeName}'. Make sure to only use property names that are defined by the type.`,
        );
    }
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  string(key: string): string | null {
    const v = this.value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== "string")
      throw schemaBadRequest(`${this.path}.${key}: must be a string, got ${typeof v}.`);
    return v;
  }

  boolean(key: string): boolean {
    const v = this.value[key];
    if (v === undefined) return false;
    if (typeof v !== "boolean")
      throw schemaBadRequest(`${this.path}.${key}: must be true or false (non-nullable Boolean).`);
    return v;
  }

  int(key: string): number {
    const v = this.value[key];
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isInteger(v))
      throw schemaBadRequest(`${this.path}.${key}: must be an integer (non-nullable Int32).`);
    return v;
  }

  enumValue<T extends string>(key: string, enumName: keyof typeof ENUMS): T {
    const members = ENUMS[enumName] as readonly string[];
    const v = this.value[key];
    if (v === undefined) return members[0] as T;
    if (typeof v !== "string" || !members.includes(v))
      throw schemaBadRequest(
        `${this.path}.${key}: '${String(v)}' is not a member of microsoft.graph.${enumName} (${members.join(", ")}).`,
      );
    return v as T;
  }

  flags(key: string, enumName: keyof typeof FLAGS): string {
    const members = FLAGS[enumName] as readonly string[];
    const v = this.value[key];
    if (v === undefined || v === null) return "None";
    if (typeof v !== "string")
      throw schemaBadRequest(`${this.path}.${key}: must be a string of ${enumName} flags.`);
    const parts = v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const part of parts)
      if (!members.includes(part))
        throw schemaBadRequest(
          `${this.path}.${key}: '${part}' is not a member of microsoft.graph.${enumName} (${members.join(", ")}).`,
        );
    const set = members.filter((m) => m !== "None" && parts.includes(m));
    return set.length === 0 ? "None" : set.join(", ");
  }

  array<T>(key: string, each: (item: unknown, path: string) => T): T[] {
    const v = this.value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw schemaBadRequest(`${this.path}.${key}: must be an array.`);
    return v.map((item, i) => each(item, `${this.path}.${key}[${i}]`));
  }

  strings(key: string): string[] {
    return this.array(key, (item, path) => {
      if (typeof item !== "string") throw schemaBadRequest(`${path}: must be a string.`);
      return item;
    });
  }
}

function reader(value: unknown, path: string, typeName: string, allowed: string[]): Reader {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw schemaBadRequest(`${path}: must be a JSON object (microsoft.graph.${typeName}).`);
  return new Reader(value as Json, path, typeName, allowed);
}

function keyValue(value: unknown, path: string, typeName = "stringKeyStringValuePair"): KeyValue {
  const r = reader(value, path, typeName, ["key", "value"]);
  return { key: r.string("key") ?? "", value: r.string("value") ?? "" };
}

function attributeDefinition(value: unknown, path: string): AttributeDefinition {
  const r = reader(value, path, "attributeDefinition", [
    "anchor",
    "apiExpressions",
    "caseExact",
    "defaultValue",
    "flowNullValues",
    "metadata",
    "multivalued",
    "mutability",
    "name",
    "referencedObjects",
    "required",
    "type",
  ]);
  const name = r.string("name");
  if (!name) throw schemaBadRequest(`${path}.name: required, the attribute's name.`);
  return {
    anchor: r.boolean("anchor"),
    apiExpressions: r.array("apiExpressions", (v, p) => keyValue(v, p)),
    caseExact: r.boolean("caseExact"),
    defaultValue: r.string("defaultValue"),
    flowNullValues: r.boolean("flowNullValues"),
    metadata: r.array("metadata", (v, p) => keyValue(v, p, "attributeDefinitionMetadataEntry")),
    multivalued: r.boolean("multivalued"),
    mutability: r.enumValue("mutability", "mutability"),
    name,
    referencedObjects: r.array("referencedObjects", (v, p) => {
      const o = reader(v, p, "referencedObject", ["referencedObjectName", "referencedProperty"]);
      return {
        referencedObjectName: o.string("referencedObjectName") ?? "",
        referencedProperty: o.string("referencedProperty"),
      };
    }),
    required: r.boolean("required"),
    type: r.enumValue("type", "attributeType"),
  };
}

function objectDefinition(value: unknown, path: string): ObjectDefinition {
  const r = reader(value, path, "objectDefinition", ["attributes", "metadata", "name", "supportedApis"]);
  const name = r.string("name");
  if (!name) throw schemaBadRequest(`${path}.name: required, the object's name.`);
  return {
    attributes: r.array("attributes", attributeDefinition),
    metadata: r.array("metadata", (v, p) => keyValue(v, p, "objectDefinitionMetadataEntry")),
    name,
    supportedApis: r.strings("supportedApis"),
  };
}

function directoryDefinition(value: unknown, path: string): DirectoryDefinition {
  const r = reader(value, path, "directoryDefinition", [
    "id",
    "discoverabilities",
    "discoveryDateTime",
    "name",
    "objects",
    "readOnly",
    "version",
  ]);
  const name = r.string("name");
  if (!name) throw schemaBadRequest(`${path}.name: required, the directory's name.`);
  return {
    id: r.string("id") ?? "",
    discoverabilities: r.flags("discoverabilities", "directoryDefinitionDiscoverabilities"),
    discoveryDateTime: r.string("discoveryDateTime"),
    name,
    objects: r.array("objects", objectDefinition),
    readOnly: r.boolean("readOnly"),
    version: r.string("version"),
  };
}

/** Reads an attributeMappingSource as sent (before canonicalisation). */
function rawSource(value: unknown, path: string): Partial<AttributeMappingSource> {
  const r = reader(value, path, "attributeMappingSource", ["expression", "name", "parameters", "type"]);
  return {
    expression: r.string("expression"),
    name: r.string("name"),
    parameters: r.array("parameters", (v, p) => {
      const kv = reader(v, p, "stringKeyAttributeMappingSourceValuePair", ["key", "value"]);
      return {
        key: kv.string("key") ?? "",
        value: rawSource(kv.raw("value"), `${p}.value`) as AttributeMappingSource,
      };
    }),
    type:
      r.raw("type") === undefined
        ? undefined
        : r.enumValue<AttributeMappingSource["type"]>("type", "attributeMappingSourceType"),
  };
}

/** A mapping source in Graph's canonical form, with the parsed tree for validation. */
function canonicalSource(
  value: unknown,
  path: string,
): { source: AttributeMappingSource; node: ExpressionNode } {
  const raw = rawSource(value, path);
  try {
    const node = expressionOfSource(raw, path);
    return { source: toMappingSource(node), node };
  } catch (e) {
    if (e instanceof ExpressionSyntaxError)
      throw schemaBadRequest(`${path}: invalid expression: ${e.message}`);
    throw e;
  }
}

interface MappingWithNode {
  mapping: AttributeMapping;
  node: ExpressionNode | null;
  path: string;
}

function attributeMapping(value: unknown, path: string): MappingWithNode {
  const r = reader(value, path, "attributeMapping", [
    "defaultValue",
    "exportMissingReferences",
    "flowBehavior",
    "flowType",
    "matchingPriority",
    "source",
    "targetAttributeName",
  ]);
  const target = r.string("targetAttributeName");
  if (!target)
    throw schemaBadRequest(
      `${path}.targetAttributeName: required, the attribute of the target object this mapping writes.`,
    );
  const rawSrc = r.raw("source");
  const parsed = rawSrc === undefined || rawSrc === null ? null : canonicalSource(rawSrc, `${path}.source`);
  return {
    mapping: {
      defaultValue: r.string("defaultValue"),
      exportMissingReferences: r.boolean("exportMissingReferences"),
      flowBehavior: r.enumValue("flowBehavior", "attributeFlowBehavior"),
      flowType: r.enumValue("flowType", "attributeFlowType"),
      matchingPriority: r.int("matchingPriority"),
      source: parsed?.source ?? null,
      targetAttributeName: target,
    },
    node: parsed?.node ?? null,
    path,
  };
}

function filterClause(value: unknown, path: string): FilterClause {
  const r = reader(value, path, "filterClause", ["operatorName", "sourceOperandName", "targetOperand"]);
  const operand = r.raw("targetOperand");
  return {
    operatorName: r.string("operatorName") ?? "",
    sourceOperandName: r.string("sourceOperandName") ?? "",
    targetOperand:
      operand === undefined || operand === null
        ? null
        : { values: reader(operand, `${path}.targetOperand`, "filterOperand", ["values"]).strings("values") },
  };
}

function filterGroup(value: unknown, path: string): FilterGroup {
  const r = reader(value, path, "filterGroup", ["clauses", "name"]);
  return { clauses: r.array("clauses", filterClause), name: r.string("name") };
}

function filter(value: unknown, path: string): Filter | null {
  if (value === undefined || value === null) return null;
  const r = reader(value, path, "filter", ["categoryFilterGroups", "groups", "inputFilterGroups"]);
  return {
    categoryFilterGroups: r.array("categoryFilterGroups", filterGroup),
    groups: r.array("groups", filterGroup),
    inputFilterGroups: r.array("inputFilterGroups", filterGroup),
  };
}

interface ObjectMappingWithNodes {
  objectMapping: ObjectMapping;
  mappings: MappingWithNode[];
  path: string;
}

function objectMapping(value: unknown, path: string): ObjectMappingWithNodes {
  const r = reader(value, path, "objectMapping", [
    "attributeMappings",
    "enabled",
    "flowTypes",
    "metadata",
    "name",
    "scope",
    "sourceObjectName",
    "targetObjectName",
  ]);
  const mappings = r.array("attributeMappings", attributeMapping);
  return {
    objectMapping: {
      attributeMappings: canonicalAttributeMappingOrder(mappings.map((m) => m.mapping)),
      enabled: r.boolean("enabled"),
      flowTypes: r.flags("flowTypes", "objectFlowTypes"),
      metadata: r.array("metadata", (v, p) => keyValue(v, p, "objectMappingMetadataEntry")),
      name: r.string("name") ?? "",
      scope: filter(r.raw("scope"), `${path}.scope`),
      sourceObjectName: r.string("sourceObjectName") ?? "",
      targetObjectName: r.string("targetObjectName") ?? "",
    },
    mappings,
    path,
  };
}

interface RuleWithNodes {
  rule: SynchronizationRule;
  objectMappings: ObjectMappingWithNodes[];
  path: string;
}

function synchronizationRule(value: unknown, path: string): RuleWithNodes {
  const r = reader(value, path, "synchronizationRule", [
    "containerFilter",
    "editable",
    "groupFilter",
    "id",
    "metadata",
    "name",
    "objectMappings",
    "priority",
    "sourceDirectoryName",
    "targetDirectoryName",
  ]);
  const id = r.string("id");
  if (!id)
    throw schemaBadRequest(
      `${path}.id: required, one of the identifiers the synchronization engine recognises (keep the id GET returned).`,
    );
  const container = r.raw("containerFilter");
  const group = r.raw("groupFilter");
  const objectMappings = r.array("objectMappings", objectMapping);
  return {
    rule: {
      containerFilter:
        container === undefined || container === null
          ? null
          : {
              includedContainers: reader(container, `${path}.containerFilter`, "containerFilter", [
                "includedContainers",
              ]).strings("includedContainers"),
            },
      editable: r.boolean("editable"),
      groupFilter:
        group === undefined || group === null
          ? null
          : {
              includedGroups: reader(group, `${path}.groupFilter`, "groupFilter", ["includedGroups"]).strings(
                "includedGroups",
              ),
            },
      id,
      metadata: r.array("metadata", (v, p) => keyValue(v, p)),
      name: r.string("name") ?? "",
      objectMappings: objectMappings.map((o) => o.objectMapping),
      priority: r.int("priority"),
      sourceDirectoryName: r.string("sourceDirectoryName") ?? "",
      targetDirectoryName: r.string("targetDirectoryName") ?? "",
    },
    objectMappings,
    path,
  };
}

/** Every attribute an expression reads. */
export function referencedAttributes(node: ExpressionNode | null): string[] {
  if (node === null) return [];
  switch (node.kind) {
    case "attribute":
      return [node.name];
    case "function":
      return node.args.flatMap((a) => referencedAttributes(a));
    case "comparison":
      return [...referencedAttributes(node.left), ...referencedAttributes(node.right)];
    default:
      return [];
  }
}

function findDirectory(directories: DirectoryDefinition[], name: string, path: string): DirectoryDefinition {
  const d = directories.find((x) => x.name === name);
  if (!d)
    throw schemaBadRequest(
      `${path}: directory '${name}' is not defined in the schema's directories (${directories.map((x) => `'${x.name}'`).join(", ")}).`,
    );
  return d;
}

function findObject(directory: DirectoryDefinition, name: string, path: string): ObjectDefinition {
  const o = directory.objects.find((x) => x.name === name);
  if (!o)
    throw schemaBadRequest(
      `${path}: object '${name}' is not defined on directory '${directory.name}' (${directory.objects.map((x) => `'${x.name}'`).join(", ")}).`,
    );
  return o;
}

function hasAttribute(object: ObjectDefinition, name: string): boolean {
  // Attribute names are matched ignoring case, except directory extensions, which are case-sensitive (graph-schema.md §4).
  return object.attributes.some((a) =>
    name.startsWith("extension_") ? a.name === name : a.name.toLowerCase() === name.toLowerCase(),
  );
}

function validate(rules: RuleWithNodes[], directories: DirectoryDefinition[]): void {
  for (const { rule, objectMappings, path } of rules) {
    const source = findDirectory(directories, rule.sourceDirectoryName, `${path}.sourceDirectoryName`);
    const target = findDirectory(directories, rule.targetDirectoryName, `${path}.targetDirectoryName`);
    for (const om of objectMappings) {
      const sourceObject = findObject(
        source,
        om.objectMapping.sourceObjectName,
        `${om.path}.sourceObjectName`,
      );
      const targetObject = findObject(
        target,
        om.objectMapping.targetObjectName,
        `${om.path}.targetObjectName`,
      );
      for (const m of om.mappings) {
        if (!hasAttribute(targetObject, m.mapping.targetAttributeName))
          throw schemaBadRequest(
            `${m.path}.targetAttributeName: attribute '${m.mapping.targetAttributeName}' is not defined on object '${targetObject.name}' of directory '${target.name}'; add an attributeDefinition for it to that object first.`,
          );
        for (const name of referencedAttributes(m.node)) {
          if (!hasAttribute(sourceObject, name))
            throw schemaBadRequest(
              `${m.path}.source: attribute '${name}' is not defined on object '${sourceObject.name}' of directory '${source.name}'; add an attributeDefinition for it to that object first.`,
            );
        }
      }
      const scope = om.objectMapping.scope;
      for (const [g, group] of (scope?.groups ?? []).entries()) {
        for (const [c, clause] of group.clauses.entries()) {
          const where = `${om.path}.scope.groups[${g}].clauses[${c}]`;
          const operator = findOperator(clause.operatorName);
          if (!operator)
            throw schemaBadRequest(
              `${where}.operatorName: '${clause.operatorName}' is not a scoping filter operator (see GET …/schema/filterOperators).`,
            );
          if (operator.arity === "Binary" && (clause.targetOperand?.values.length ?? 0) === 0)
            throw schemaBadRequest(
              `${where}.targetOperand: operator '${operator.name}' is binary and needs targetOperand.values.`,
            );
          if (!hasAttribute(sourceObject, clause.sourceOperandName))
            throw schemaBadRequest(
              `${where}.sourceOperandName: attribute '${clause.sourceOperandName}' is not defined on object '${sourceObject.name}' of directory '${source.name}'.`,
            );
        }
      }
    }
  }
}

/**
 * The schema Graph stores for a PUT body: normalised and validated. `current` supplies the directories when
 * the body leaves them out (a containment navigation property; the emulator keeps them — unverified).
 */
export function normaliseSchemaPut(
  body: unknown,
  current: SynchronizationSchema,
  id: string,
  version: string,
): SynchronizationSchema {
  const r = reader(body, "schema", "synchronizationSchema", [
    "id",
    "version",
    "directories",
    "synchronizationRules",
  ]);
  const directories =
    r.raw("directories") === undefined ? current.directories : r.array("directories", directoryDefinition);
  const rules = r.array("synchronizationRules", synchronizationRule);
  validate(rules, directories);
  return { id, version, directories, synchronizationRules: rules.map((x) => x.rule) };
}

/** Validates one directory definition body (used by tests and discover). */
export function normaliseDirectory(value: unknown, path: string): DirectoryDefinition {
  return directoryDefinition(value, path);
}
