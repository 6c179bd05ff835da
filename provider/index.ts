/**
 * pulumi-graph-provisioning: Microsoft Entra app provisioning (gallery app, synchronization job,
 * secrets, start) as Pulumi resources. This file is the public surface only.
 */

// Resources (type tokens `pulumi-nodejs:dynamic/graphProvisioning:<Name>`) and their inputs.
export { GalleryApp, type GalleryAppArgs } from "./resources/galleryApp";
export { ProvisioningJob, type ProvisioningJobArgs } from "./resources/provisioningJob";
export { ProvisioningSecrets, type ProvisioningSecretsArgs } from "./resources/provisioningSecrets";
export { JobStart, type JobStartArgs } from "./resources/jobStart";
export type { WaitFor } from "./resources/jobStartProvider";
export {
  ProvisioningSchema,
  type ProvisioningSchemaArgs,
  type ProvisioningSchemaContentArgs,
  type ObjectMappingArgs,
} from "./resources/provisioningSchema";
export { NEXT_CYCLE_NOTICE, type SchemaChangeRecord } from "./resources/provisioningSchemaProvider";
export type {
  AttributeMappingInput,
  AttributeMappingOptions,
  ConstantMapping,
  DefaultOnlyMapping,
  ExpressionMapping,
  ObjectMappingInput,
  OnDelete,
  ProvisioningSchemaSpec,
  ScopeClauseInput,
  ScopeInput,
  TargetAttributeInput,
} from "./schema/schemaInputs";
export type {
  OwnedEntries,
  OwnedObjectMapping,
  OwnedTargetAttribute,
  ParsedSources,
} from "./schema/schemaModel";
export type { QuarantineOutput } from "./resources/jobSummary";

// The whole flow in one component (type token `graphProvisioning:index:AppProvisioning`).
export { AppProvisioning, type AppProvisioningArgs } from "./resources/appProvisioning";

// Connection (design.md §4) and errors.
export type { ConnectionArgs } from "./resources/connectionArgs";
export type { ConnectionInput } from "./graph/connection";
export { GraphError, isGraphError } from "./graph/graphError";

// Graph types consumers meet in outputs and monitoring results.
export {
  JSON_VALUED_SECRET_NAMES,
  RESTART_SCOPE_FLAGS,
  SYNCHRONIZATION_SECRET_NAMES,
  type ApplicationTemplate,
  type ProvisioningLogQuery,
  type ProvisioningObjectSummary,
  type QuarantineReason,
  type RestartScopeFlag,
  type AttributeDefinition,
  type AttributeMapping,
  type AttributeMappingSource,
  type DirectoryDefinition,
  type FilterClause,
  type FilterGroup,
  type ObjectDefinition,
  type ObjectMapping,
  type ParseExpressionResponse,
  type SynchronizationFilter,
  type SynchronizationRule,
  type SynchronizationSchema,
  type SynchronizationJob,
  type SynchronizationQuarantine,
  type SynchronizationScheduleState,
  type SynchronizationSecretName,
  type SynchronizationStatus,
  type SynchronizationStatusCode,
  type SynchronizationTaskExecution,
} from "./graph/types";

// Provision on demand (an action: provision chosen users or groups now, Graph's steps per subject).
export {
  provisionOnDemand,
  type ProvisionOnDemandArgs,
  type ProvisionOnDemandResult,
  type ProvisionOnDemandSubject,
} from "./actions/provisionOnDemand";
export type {
  ProvisionOnDemandModifiedProperty,
  ProvisionOnDemandOutcome,
  ProvisionOnDemandStep,
  ProvisionOnDemandSubjectResult,
} from "./actions/provisionOnDemandResult";

// ---- Monitoring (step 5): the MONITORING engineer appends its exports below this line. ----
export * from "./monitoring";
