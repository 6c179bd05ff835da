/**
 * Shapes of the synchronization and provisioning-log objects the emulator returns, one interface per
 * CSDL type of ../shared/graph-csdl/sync-subset-v1.0.csdl.xml (Nullable="false" ⇒ not `| null`).
 * Types only; the builders are in ../graphObjects.ts.
 */
import type { SynchronizationSecretName } from "./synchronizationEnums";

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
export type ProvisioningResult = "success" | "failure" | "skipped" | "warning" | "unknownFutureValue";

/** `applicationTemplate` (entity). */
export interface ApplicationTemplate {
  id: string;
  displayName: string | null;
  description: string | null;
  homePageUrl: string | null;
  logoUrl: string | null;
  publisher: string | null;
  categories: string[];
  supportedProvisioningTypes: string[];
  supportedSingleSignOnModes: string[];
}

/** `synchronizationTemplate` (entity). */
export interface SynchronizationTemplate {
  id: string;
  applicationId: string;
  default: boolean;
  description: string | null;
  discoverable: boolean;
  factoryTag: string | null;
  metadata: { key: string; value: string | null }[];
}

/** `synchronizationError`. */
export interface SynchronizationError {
  code: string | null;
  message: string | null;
  tenantActionable: boolean;
}

/** `synchronizationTaskExecution`. */
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

/** `synchronizationQuarantine`. */
export interface SynchronizationQuarantine {
  currentBegan: string;
  nextAttempt: string;
  reason: QuarantineReason;
  seriesBegan: string;
  seriesCount: number;
  error: SynchronizationError | null;
}

/** `synchronizationStatus`. */
export interface SynchronizationStatus {
  code: SynchronizationStatusCode;
  countSuccessiveCompleteFailures: number;
  escrowsPruned: boolean;
  lastExecution: SynchronizationTaskExecution | null;
  lastSuccessfulExecution: SynchronizationTaskExecution | null;
  lastSuccessfulExecutionWithExports: SynchronizationTaskExecution | null;
  progress: {
    completedUnits: number;
    progressObservationDateTime: string;
    totalUnits: number;
    units: string | null;
  }[];
  quarantine: SynchronizationQuarantine | null;
  steadyStateFirstAchievedTime: string;
  steadyStateLastAchievedTime: string;
  synchronizedEntryCountByType: { key: string | null; value: number }[];
  troubleshootingUrl: string | null;
}

/** `synchronizationJob` (entity). */
export interface SynchronizationJob {
  id: string;
  templateId: string | null;
  schedule: { expiration: string | null; interval: string; state: SynchronizationScheduleState };
  status: SynchronizationStatus;
  synchronizationJobSettings: { name: string; value: string | null }[];
}

/** `synchronizationSecretKeyStringValuePair`. */
export interface SynchronizationSecretKeyStringValuePair {
  key: SynchronizationSecretName;
  value: string | null;
}

/** `provisioningErrorInfo`. */
export interface ProvisioningErrorInfo {
  additionalDetails: string | null;
  errorCategory: "failure" | "nonServiceFailure" | "success" | "unknownFutureValue" | null;
  errorCode: string | null;
  reason: string | null;
  recommendedAction: string | null;
}

/** `identity`-derived open types (`initiator`, `provisionedIdentity`, `provisioningSystem`, …). */
export interface OpenIdentity {
  id: string | null;
  displayName: string | null;
  [property: string]: unknown;
}

/** `provisioningObjectSummary` (entity): one provisioning-log entry. */
export interface ProvisioningObjectSummary {
  id: string;
  activityDateTime: string;
  changeId: string | null;
  cycleId: string | null;
  durationInMilliseconds: number | null;
  initiatedBy:
    (OpenIdentity & { initiatorType: "user" | "application" | "system" | "unknownFutureValue" }) | null;
  jobId: string | null;
  modifiedProperties: { displayName: string | null; oldValue: string | null; newValue: string | null }[];
  provisioningAction:
    "other" | "create" | "delete" | "disable" | "update" | "stagedDelete" | "unknownFutureValue";
  provisioningStatusInfo: {
    status: ProvisioningResult;
    errorInformation: ProvisioningErrorInfo | null;
  } | null;
  provisioningSteps: {
    name: string | null;
    description: string | null;
    details: Record<string, unknown> | null;
    provisioningStepType: string;
    status: ProvisioningResult;
  }[];
  servicePrincipal: OpenIdentity | null;
  sourceIdentity: OpenIdentity | null;
  sourceSystem: OpenIdentity | null;
  targetIdentity: OpenIdentity | null;
  targetSystem: OpenIdentity | null;
  tenantId: string | null;
}
