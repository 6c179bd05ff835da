/**
 * Microsoft Graph entity types used by this package, named and shaped after the official CSDL
 * (`microsoft.graph` namespace, v1.0). Shared by the client, the resources and the emulator:
 * this file holds types only, no code.
 */

/** `synchronizationSecret` enum member names (JSON uses the names). */
export const SYNCHRONIZATION_SECRET_NAMES = [
  "None",
  "UserName",
  "Password",
  "SecretToken",
  "AppKey",
  "BaseAddress",
  "ClientIdentifier",
  "ClientSecret",
  "SingleSignOnType",
  "Sandbox",
  "Url",
  "Domain",
  "ConsumerKey",
  "ConsumerSecret",
  "TokenKey",
  "TokenExpiration",
  "Oauth2AccessToken",
  "Oauth2AccessTokenCreationTime",
  "Oauth2RefreshToken",
  "SyncAll",
  "InstanceName",
  "Oauth2ClientId",
  "Oauth2ClientSecret",
  "CompanyId",
  "UpdateKeyOnSoftDelete",
  "SynchronizationSchedule",
  "SystemOfRecord",
  "SandboxName",
  "EnforceDomain",
  "SyncNotificationSettings",
  "SkipOutOfScopeDeletions",
  "Oauth2AuthorizationCode",
  "Oauth2RedirectUri",
  "ApplicationTemplateIdentifier",
  "Oauth2TokenExchangeUri",
  "Oauth2AuthorizationUri",
  "AuthenticationType",
  "Server",
  "PerformInboundEntitlementGrants",
  "HardDeletesEnabled",
  "SyncAgentCompatibilityKey",
  "SyncAgentADContainer",
  "ValidateDomain",
  "TestReferences",
  "ConnectionString",
] as const;
export type SynchronizationSecretName = (typeof SYNCHRONIZATION_SECRET_NAMES)[number];

/** Secret keys whose value is a JSON document: Graph rejects `""` for them (graph-api.md §7). */
export const JSON_VALUED_SECRET_NAMES: readonly SynchronizationSecretName[] = ["SyncNotificationSettings"];

/** `synchronizationJobRestartScope` flags (serialized as a comma-separated list of names). */
export const RESTART_SCOPE_FLAGS = [
  "None",
  "ConnectorDataStore",
  "Escrows",
  "Watermark",
  "QuarantineState",
  "Full",
  "ForceDeletes",
] as const;
export type RestartScopeFlag = (typeof RESTART_SCOPE_FLAGS)[number];

export type SynchronizationStatusCode = "NotConfigured" | "NotRun" | "Active" | "Paused" | "Quarantine";
export type SynchronizationScheduleState = "Active" | "Disabled" | "Paused";
export type SynchronizationTaskExecutionResult = "Succeeded" | "Failed" | "EntryLevelErrors";
export type QuarantineReason =
  | "EncounteredBaseEscrowThreshold"
  | "EncounteredTotalEscrowThreshold"
  | "EncounteredEscrowProportionThreshold"
  | "EncounteredQuarantineException"
  | "Unknown"
  | "QuarantinedOnDemand"
  | "TooManyDeletes"
  | "IngestionInterrupted";

export interface ApplicationTemplate {
  id: string;
  displayName: string | null;
  description?: string | null;
  homePageUrl?: string | null;
  logoUrl?: string | null;
  publisher?: string | null;
  categories?: string[];
  supportedProvisioningTypes?: string[];
  supportedSingleSignOnModes?: string[];
  isEntraIntegrated?: boolean;
}

/** The subset of `application` this package reads. */
export interface Application {
  id: string;
  appId: string;
  displayName: string | null;
  applicationTemplateId: string | null;
  createdDateTime?: string | null;
  [key: string]: unknown;
}

/** The subset of `servicePrincipal` this package reads. */
export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string | null;
  applicationTemplateId: string | null;
  servicePrincipalType?: string | null;
  [key: string]: unknown;
}

/** Response of `POST /applicationTemplates/{id}/instantiate`. */
export interface ApplicationServicePrincipal {
  application: Application;
  servicePrincipal: ServicePrincipal;
}

export interface SynchronizationMetadataEntry {
  key: string;
  value: string | null;
}

export interface SynchronizationTemplate {
  id: string;
  applicationId: string;
  default: boolean;
  description: string | null;
  discoverable: boolean;
  factoryTag: string | null;
  metadata: SynchronizationMetadataEntry[];
}

export interface SynchronizationSchedule {
  expiration: string | null;
  interval: string;
  state: SynchronizationScheduleState;
}

export interface SynchronizationError {
  code: string | null;
  message: string | null;
  tenantActionable: boolean;
}

export interface SynchronizationQuarantine {
  currentBegan: string;
  nextAttempt: string;
  reason: QuarantineReason;
  seriesBegan: string;
  seriesCount: number;
  error: SynchronizationError | null;
}

export interface SynchronizationTaskExecution {
  activityIdentifier: string | null;
  countEntitled: number;
  countEntitledForProvisioning: number;
  countEscrowed: number;
  countEscrowedRaw: number;
  countExported: number;
  countExports: number;
  countImported: number;
  countImportedDeltas: number;
  countImportedReferenceDeltas: number;
  error: SynchronizationError | null;
  state: SynchronizationTaskExecutionResult;
  timeBegan: string;
  timeEnded: string;
}

export interface SynchronizationProgress {
  completedUnits: number;
  progressObservationDateTime: string;
  totalUnits: number;
  units: string | null;
}

export interface SynchronizationStatus {
  code: SynchronizationStatusCode;
  countSuccessiveCompleteFailures: number;
  escrowsPruned: boolean;
  lastExecution: SynchronizationTaskExecution | null;
  lastSuccessfulExecution: SynchronizationTaskExecution | null;
  lastSuccessfulExecutionWithExports: SynchronizationTaskExecution | null;
  progress: SynchronizationProgress[];
  quarantine: SynchronizationQuarantine | null;
  steadyStateFirstAchievedTime: string;
  steadyStateLastAchievedTime: string;
  synchronizedEntryCountByType: { key: string; value: number }[];
  troubleshootingUrl: string | null;
}

export interface SynchronizationJob {
  id: string;
  templateId: string;
  schedule: SynchronizationSchedule;
  status: SynchronizationStatus;
  synchronizationJobSettings: { name: string; value: string | null }[];
}

export interface SynchronizationSecretKeyStringValuePair {
  key: SynchronizationSecretName;
  value: string;
}

export interface SynchronizationJobSubject {
  objectId: string;
  objectTypeName: string;
  links?: Record<string, unknown>;
}

export interface SynchronizationJobApplicationParameters {
  ruleId: string;
  subjects: SynchronizationJobSubject[];
}

export type ProvisioningResult = "success" | "failure" | "skipped" | "warning" | "unknownFutureValue";

export interface ProvisioningObjectSummary {
  id: string;
  activityDateTime: string;
  changeId: string | null;
  cycleId: string | null;
  jobId: string | null;
  tenantId: string | null;
  durationInMilliseconds: number | null;
  initiatedBy: { id: string | null; displayName: string | null; initiatorType: string } | null;
  modifiedProperties: { displayName: string | null; oldValue: string | null; newValue: string | null }[];
  provisioningAction: string;
  provisioningStatusInfo: {
    status: ProvisioningResult;
    errorInformation: {
      errorCode: string | null;
      reason: string | null;
      additionalDetails: string | null;
      recommendedAction: string | null;
      errorCategory: string | null;
    } | null;
  } | null;
  provisioningSteps: {
    name: string | null;
    description: string | null;
    details: Record<string, unknown> | null;
    provisioningStepType: string;
    status: ProvisioningResult;
  }[];
  servicePrincipal: { id: string | null; displayName: string | null } | null;
  sourceIdentity: Record<string, unknown> | null;
  targetIdentity: Record<string, unknown> | null;
  sourceSystem: Record<string, unknown> | null;
  targetSystem: Record<string, unknown> | null;
}

/**
 * Body of `validateCredentials`: `jobId` selects the job-bound form, else `templateId` the
 * collection-bound one; `credentials` to test, or `useSavedCredentials` to test the saved ones.
 */
export interface ValidateCredentialsRequest {
  jobId?: string;
  templateId?: string;
  credentials?: SynchronizationSecretKeyStringValuePair[];
  useSavedCredentials?: boolean;
}

/** Query for `GET /auditLogs/provisioning`; each field becomes one `$filter` clause. */
export interface ProvisioningLogQuery {
  servicePrincipalId?: string;
  jobId?: string;
  /** ISO 8601; entries with activityDateTime strictly after it. */
  since?: string;
  /** ISO 8601; entries with activityDateTime strictly before it. */
  until?: string;
  status?: ProvisioningResult;
  /** Page size (`$top`). */
  top?: number;
}

// ---- synchronization schema (graph-schema.md §2; names as in the v1.0 CSDL) -------------------

/** `attributeFlowBehavior`. */
export const ATTRIBUTE_FLOW_BEHAVIORS = ["FlowWhenChanged", "FlowAlways"] as const;
export type AttributeFlowBehavior = (typeof ATTRIBUTE_FLOW_BEHAVIORS)[number];
/** `attributeFlowType`. */
export const ATTRIBUTE_FLOW_TYPES = [
  "Always",
  "ObjectAddOnly",
  "MultiValueAddOnly",
  "ValueAddOnly",
  "AttributeAddOnly",
] as const;
export type AttributeFlowType = (typeof ATTRIBUTE_FLOW_TYPES)[number];
/** `attributeMappingSourceType`. */
export type AttributeMappingSourceType = "Attribute" | "Constant" | "Function";
/** `attributeType`. */
export const ATTRIBUTE_TYPES = ["String", "Integer", "Reference", "Binary", "Boolean", "DateTime"] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];
/** `mutability`. */
export const MUTABILITIES = ["ReadWrite", "ReadOnly", "Immutable", "WriteOnly"] as const;
export type Mutability = (typeof MUTABILITIES)[number];

/** `stringKeyAttributeMappingSourceValuePair`: one named argument of a function source. */
export interface StringKeyAttributeMappingSourceValuePair {
  key: string;
  value: AttributeMappingSource;
}

/** `attributeMappingSource`: an attribute, a constant, or a function applied to sources. */
export interface AttributeMappingSource {
  expression?: string | null;
  /** Attribute name, function name or constant value. */
  name?: string | null;
  parameters?: StringKeyAttributeMappingSourceValuePair[] | null;
  type: AttributeMappingSourceType;
}

/** `attributeMapping`. */
export interface AttributeMapping {
  defaultValue?: string | null;
  /** For internal use only (Graph). */
  exportMissingReferences?: boolean;
  flowBehavior?: AttributeFlowBehavior;
  flowType?: AttributeFlowType;
  /** > 0: a matching attribute, lowest tried first; 0: not used for matching. */
  matchingPriority?: number;
  /** Null for a mapping that only sets `defaultValue`. */
  source?: AttributeMappingSource | null;
  targetAttributeName: string;
}

/** `filterOperand`. */
export interface FilterOperand {
  values?: string[] | null;
}

/** `filterClause`: `sourceOperandName operatorName targetOperand.values`. */
export interface FilterClause {
  operatorName: string;
  sourceOperandName: string;
  targetOperand?: FilterOperand | null;
}

/** `filterGroup`: clauses ANDed. */
export interface FilterGroup {
  clauses: FilterClause[];
  name?: string | null;
}

/** `filter` (an object mapping's scope): `groups` ORed; leaving them deprovisions. */
export interface SynchronizationFilter {
  categoryFilterGroups?: FilterGroup[] | null;
  groups?: FilterGroup[] | null;
  inputFilterGroups?: FilterGroup[] | null;
}

/** `objectMappingMetadataEntry`. */
export interface ObjectMappingMetadataEntry {
  key: string;
  value: string | null;
}

/** `objectMapping`. */
export interface ObjectMapping {
  attributeMappings?: AttributeMapping[] | null;
  enabled: boolean;
  /** `objectFlowTypes` flags, e.g. `"Add, Update, Delete"`. */
  flowTypes?: string;
  metadata?: ObjectMappingMetadataEntry[] | null;
  name?: string | null;
  scope?: SynchronizationFilter | null;
  sourceObjectName: string;
  targetObjectName: string;
}

/** `synchronizationRule`. */
export interface SynchronizationRule {
  containerFilter?: { includedContainers?: string[] | null } | null;
  editable?: boolean;
  groupFilter?: { includedGroups?: string[] | null } | null;
  id: string;
  metadata?: { key: string; value: string | null }[] | null;
  name?: string | null;
  objectMappings?: ObjectMapping[] | null;
  priority?: number;
  sourceDirectoryName?: string | null;
  targetDirectoryName?: string | null;
}

/** `referencedObject`. */
export interface ReferencedObject {
  referencedObjectName?: string | null;
  referencedProperty?: string | null;
}

/** `attributeDefinition`. */
export interface AttributeDefinition {
  anchor?: boolean;
  apiExpressions?: { key: string; value: string | null }[] | null;
  caseExact?: boolean;
  defaultValue?: string | null;
  flowNullValues?: boolean;
  metadata?: { key: string; value: string | null }[] | null;
  multivalued?: boolean;
  mutability?: Mutability;
  name: string;
  referencedObjects?: ReferencedObject[] | null;
  required?: boolean;
  type?: AttributeType;
}

/** `objectDefinition`. */
export interface ObjectDefinition {
  attributes?: AttributeDefinition[] | null;
  metadata?: { key: string; value: string | null }[] | null;
  name: string;
  supportedApis?: string[] | null;
}

/** `directoryDefinition`. */
export interface DirectoryDefinition {
  discoverabilities?: string;
  discoveryDateTime?: string | null;
  id: string;
  name?: string | null;
  objects?: ObjectDefinition[] | null;
  readOnly?: boolean;
  version?: string | null;
}

/** `synchronizationSchema`: GET returns `directories` inline; PUT replaces the whole of it. */
export interface SynchronizationSchema {
  id?: string;
  directories?: DirectoryDefinition[] | null;
  synchronizationRules: SynchronizationRule[];
  version?: string | null;
  [key: string]: unknown;
}

/** `publicError` (as in parseExpressionResponse). */
export interface PublicError {
  code?: string | null;
  message?: string | null;
  target?: string | null;
  details?: { code?: string | null; message?: string | null; target?: string | null }[] | null;
  innerError?: unknown;
}

/** Body of `POST …/schema/parseExpression`. */
export interface ParseExpressionRequest {
  expression: string;
  /** `expressionInputObject`: a test object to evaluate the expression against. */
  testInputObject?: {
    definition?: ObjectDefinition | null;
    properties: { key: string; value: unknown }[];
  } | null;
  targetAttributeDefinition?: AttributeDefinition | null;
}

/** `parseExpressionResponse`. */
export interface ParseExpressionResponse {
  error: PublicError | null;
  evaluationResult: string[] | null;
  evaluationSucceeded: boolean;
  parsedExpression: AttributeMappingSource | null;
  parsingSucceeded: boolean;
}

/** Which schema an operation addresses: a job's, or a synchronization template's default. */
export type SchemaOwner = { jobId: string } | { templateId: string };

/** One page of a Graph collection. */
export interface GraphPage<T> {
  value: T[];
  nextLink?: string;
}

/**
 * One typed function per Graph operation this package uses. Implemented by `GraphClient`; the
 * resource providers depend on this interface so that unit tests can stub it.
 * Every method rejects with a `GraphError` on a Graph failure.
 */
export interface GraphApi {
  /** `GET /applicationTemplates` (all pages), optionally with a raw `$filter` expression. */
  listApplicationTemplates(filter?: string): Promise<ApplicationTemplate[]>;
  getApplicationTemplate(templateId: string): Promise<ApplicationTemplate>;
  /** `POST /applicationTemplates/{id}/instantiate` — not retried on transient failure (POST). */
  instantiateApplicationTemplate(
    templateId: string,
    displayName: string,
  ): Promise<ApplicationServicePrincipal>;
  /** `GET /applications?$filter=displayName eq '…' and applicationTemplateId eq '…'` (all pages). */
  listApplicationsByNameAndTemplate(
    displayName: string,
    applicationTemplateId: string,
  ): Promise<Application[]>;
  getApplication(applicationObjectId: string): Promise<Application>;
  updateApplication(applicationObjectId: string, patch: { displayName?: string }): Promise<void>;
  deleteApplication(applicationObjectId: string): Promise<void>;
  getServicePrincipal(servicePrincipalId: string): Promise<ServicePrincipal>;
  /**
   * `GET /servicePrincipals(appId='{appId}')` (alternate key). Optional: GalleryApp uses it to adopt
   * an application whose instantiate response was lost; without it, it deletes and re-instantiates.
   */
  getServicePrincipalByAppId?(appId: string): Promise<ServicePrincipal>;
  updateServicePrincipal(servicePrincipalId: string, patch: { displayName?: string }): Promise<void>;
  deleteServicePrincipal(servicePrincipalId: string): Promise<void>;
  /** `DELETE /directory/deletedItems/{id}`: purge a soft-deleted object. */
  permanentlyDeleteDirectoryObject(objectId: string): Promise<void>;

  listSynchronizationTemplates(servicePrincipalId: string): Promise<SynchronizationTemplate[]>;
  createSynchronizationJob(servicePrincipalId: string, templateId: string): Promise<SynchronizationJob>;
  listSynchronizationJobs(servicePrincipalId: string): Promise<SynchronizationJob[]>;
  getSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<SynchronizationJob>;
  deleteSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<void>;
  /**
   * `POST …/jobs/{jobId}/validateCredentials` when `jobId` is given, else the collection-bound
   * `POST …/jobs/validateCredentials` with `templateId`. Resolves on 204.
   */
  validateCredentials(servicePrincipalId: string, request: ValidateCredentialsRequest): Promise<void>;
  /** `PUT …/synchronization/secrets` with `{value:[{key,value}]}`. */
  putSynchronizationSecrets(
    servicePrincipalId: string,
    pairs: SynchronizationSecretKeyStringValuePair[],
  ): Promise<void>;
  /** `GET …/synchronization/secrets`; secret values come back masked as `*`. */
  getSynchronizationSecrets(servicePrincipalId: string): Promise<SynchronizationSecretKeyStringValuePair[]>;
  startSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<void>;
  pauseSynchronizationJob(servicePrincipalId: string, jobId: string): Promise<void>;
  /** `POST …/restart` with `{criteria:{resetScope}}`; no criteria when resetScope is undefined. */
  restartSynchronizationJob(servicePrincipalId: string, jobId: string, resetScope?: string): Promise<void>;
  provisionOnDemand(
    servicePrincipalId: string,
    jobId: string,
    parameters: SynchronizationJobApplicationParameters[],
  ): Promise<{ key: string | null; value: string | null }[]>;
  /** `GET …/jobs/{jobId}/schema` or `GET …/templates/{templateId}/schema` (the template's default). */
  getSynchronizationSchema(servicePrincipalId: string, owner: SchemaOwner): Promise<SynchronizationSchema>;
  /** `PUT …/jobs/{jobId}/schema` (204): replaces the whole schema; the next cycle is an initial one. */
  putSynchronizationSchema(
    servicePrincipalId: string,
    jobId: string,
    schema: SynchronizationSchema,
  ): Promise<void>;
  /** `DELETE …/jobs/{jobId}/schema` (204): back to the template's default. */
  deleteSynchronizationSchema(servicePrincipalId: string, jobId: string): Promise<void>;
  /**
   * `POST …/{jobs/{jobId}|templates/{templateId}}/schema/parseExpression`. Side-effect free, so the
   * client may repeat it after a lost response. A syntax error is a 200 with `parsingSucceeded: false`.
   */
  parseExpression(
    servicePrincipalId: string,
    owner: SchemaOwner,
    request: ParseExpressionRequest,
  ): Promise<ParseExpressionResponse>;
  /** One page of `GET /auditLogs/provisioning`; pass the previous page's `nextLink` to continue. */
  listProvisioningEventsPage(
    query: ProvisioningLogQuery,
    nextLink?: string,
  ): Promise<GraphPage<ProvisioningObjectSummary>>;
}
