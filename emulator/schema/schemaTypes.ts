/**
 * The synchronization schema's wire types, as Graph sends them (graph-schema.md §2, CSDL names and enum
 * members). The emulator's own copy: nothing here comes from provider/ (design.md §6).
 */

export type AttributeType = "String" | "Integer" | "Reference" | "Binary" | "Boolean" | "DateTime";
export type Mutability = "ReadWrite" | "ReadOnly" | "Immutable" | "WriteOnly";
export type AttributeFlowBehavior = "FlowWhenChanged" | "FlowAlways";
export type AttributeFlowType =
  "Always" | "ObjectAddOnly" | "MultiValueAddOnly" | "ValueAddOnly" | "AttributeAddOnly";
export type AttributeMappingSourceType = "Attribute" | "Constant" | "Function";

export interface KeyValue {
  key: string;
  value: string;
}

export interface AttributeDefinition {
  anchor: boolean;
  apiExpressions: KeyValue[];
  caseExact: boolean;
  defaultValue: string | null;
  flowNullValues: boolean;
  metadata: KeyValue[];
  multivalued: boolean;
  mutability: Mutability;
  name: string;
  referencedObjects: { referencedObjectName: string; referencedProperty: string | null }[];
  required: boolean;
  type: AttributeType;
}

export interface ObjectDefinition {
  attributes: AttributeDefinition[];
  metadata: KeyValue[];
  name: string;
  supportedApis: string[];
}

export interface DirectoryDefinition {
  id: string;
  discoverabilities: string;
  discoveryDateTime: string | null;
  name: string;
  objects: ObjectDefinition[];
  readOnly: boolean;
  version: string | null;
}

export interface AttributeMappingSource {
  expression: string | null;
  name: string | null;
  parameters: { key: string; value: AttributeMappingSource }[];
  type: AttributeMappingSourceType;
}

export interface AttributeMapping {
  defaultValue: string | null;
  exportMissingReferences: boolean;
  flowBehavior: AttributeFlowBehavior;
  flowType: AttributeFlowType;
  matchingPriority: number;
  source: AttributeMappingSource | null;
  targetAttributeName: string;
}

export interface FilterClause {
  operatorName: string;
  sourceOperandName: string;
  targetOperand: { values: string[] } | null;
}

export interface FilterGroup {
  clauses: FilterClause[];
  name: string | null;
}

export interface Filter {
  categoryFilterGroups: FilterGroup[];
  groups: FilterGroup[];
  inputFilterGroups: FilterGroup[];
}

export interface ObjectMapping {
  attributeMappings: AttributeMapping[];
  enabled: boolean;
  flowTypes: string;
  metadata: KeyValue[];
  name: string;
  scope: Filter | null;
  sourceObjectName: string;
  targetObjectName: string;
}

export interface SynchronizationRule {
  containerFilter: { includedContainers: string[] } | null;
  editable: boolean;
  groupFilter: { includedGroups: string[] } | null;
  id: string;
  metadata: KeyValue[];
  name: string;
  objectMappings: ObjectMapping[];
  priority: number;
  sourceDirectoryName: string;
  targetDirectoryName: string;
}

export interface SynchronizationSchema {
  id: string;
  version: string;
  directories: DirectoryDefinition[];
  synchronizationRules: SynchronizationRule[];
}
