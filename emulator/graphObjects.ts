/**
 * Builders for the JSON objects the emulator returns: applications, service principals, synchronization
 * templates, jobs and provisioning-log entries, with the fields and defaults Graph shows
 * (graph-api.md §2, §4, §5, §10). Property names follow the CSDL; nothing here invents properties.
 */
import { randomUUID } from "crypto";
import type {
  ProvisioningObjectSummary,
  SynchronizationJob,
  SynchronizationTaskExecution,
  SynchronizationTemplate,
} from "./model/synchronizationTypes";
import type { CatalogEntry, CatalogSyncTemplate } from "./catalog";
import type { AssignmentRecord } from "./store";

/** `TimeSpan.MaxValue` as an ISO 8601 duration: the interval of a job that is not scheduled. */
export const DISABLED_INTERVAL = "P10675199DT2H48M5.4775807S";
/** Interval of a running job. */
export const ACTIVE_INTERVAL = "PT40M";
/** Graph's "never" for non-null DateTimeOffset fields. */
export const NEVER = "0001-01-01T00:00:00Z";

/** ISO 8601 with second precision and `Z`, as Graph writes directory timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Display name of a tenant, which Graph shows as `publisherName` of the service principals it owns. */
export function tenantDisplayName(tenantId: string): string {
  return `Emulator tenant ${tenantId.slice(0, 8)}`;
}

/** `publisherDomain` of a tenant: a stable fake `*.onmicrosoft.com` name. */
export function tenantDomain(tenantId: string): string {
  return `emulator${tenantId.replace(/-/g, "").slice(0, 8)}.onmicrosoft.com`;
}

/** The delegated scope Entra adds to every gallery application it instantiates (instantiate example). */
function userImpersonationScope(appName: string): Record<string, unknown> {
  return {
    adminConsentDescription: `Allow the application to access ${appName} on behalf of the signed-in user.`,
    adminConsentDisplayName: `Access ${appName}`,
    id: randomUUID(),
    isEnabled: true,
    type: "User",
    userConsentDescription: `Allow the application to access ${appName} on your behalf.`,
    userConsentDisplayName: `Access ${appName}`,
    value: "user_impersonation",
  };
}

const NO_VERIFIED_PUBLISHER = { displayName: null, verifiedPublisherId: null, addedDateTime: null };

function msiamAccessRole(): Record<string, unknown> {
  return {
    allowedMemberTypes: ["User"],
    description: "msiam_access",
    displayName: "msiam_access",
    id: randomUUID(),
    isEnabled: true,
    origin: "Application",
    value: null,
  };
}

/** A new application and its service principal, as `instantiate` returns them. */
export function newApplicationPair(
  entry: CatalogEntry,
  displayName: string,
  tenantId: string,
  nowMs: number,
): { application: Record<string, unknown>; servicePrincipal: Record<string, unknown> } {
  const appId = randomUUID();
  const appRoles = [msiamAccessRole()];
  const scopes = [userImpersonationScope(displayName)];
  const info = {
    logoUrl: entry.template.logoUrl,
    marketingUrl: null,
    privacyStatementUrl: null,
    supportUrl: null,
    termsOfServiceUrl: null,
  };
  const application = {
    id: randomUUID(),
    deletedDateTime: null,
    appId,
    applicationTemplateId: entry.template.id,
    disabledByMicrosoftStatus: null,
    createdDateTime: isoSeconds(nowMs),
    displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: false,
    notes: null,
    publisherDomain: tenantDomain(tenantId),
    samlMetadataUrl: null,
    serviceManagementReference: null,
    signInAudience: "AzureADMyOrg",
    tags: [],
    tokenEncryptionKeyId: null,
    defaultRedirectUri: null,
    optionalClaims: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: null,
      oauth2PermissionScopes: scopes,
      preAuthorizedApplications: [],
    },
    appRoles,
    certification: null,
    info,
    keyCredentials: [],
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: "Allow" },
    passwordCredentials: [],
    publicClient: { redirectUris: [] },
    requiredResourceAccess: [],
    verifiedPublisher: NO_VERIFIED_PUBLISHER,
    web: {
      homePageUrl: entry.template.homePageUrl,
      logoutUrl: null,
      redirectUris: [...entry.replyUrls],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
  };
  const servicePrincipal = {
    id: randomUUID(),
    deletedDateTime: null,
    accountEnabled: true,
    appDisplayName: displayName,
    appDescription: null,
    appId,
    applicationTemplateId: entry.template.id,
    appOwnerOrganizationId: tenantId,
    appRoleAssignmentRequired: true,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName,
    homepage: entry.template.homePageUrl,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    publisherName: tenantDisplayName(tenantId),
    replyUrls: [...entry.replyUrls],
    servicePrincipalNames: [appId],
    servicePrincipalType: "Application",
    signInAudience: "AzureADMyOrg",
    tags: ["WindowsAzureActiveDirectoryIntegratedApp"],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: [],
    alternativeNames: [],
    appRoles,
    endpoints: [],
    info,
    keyCredentials: [],
    oauth2PermissionScopes: scopes,
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: NO_VERIFIED_PUBLISHER,
  };
  return { application, servicePrincipal };
}

/** The synchronization template a service principal exposes for a catalog sync template. */
export function synchronizationTemplateJson(t: CatalogSyncTemplate, appId: string): SynchronizationTemplate {
  return {
    id: t.id,
    applicationId: appId,
    default: t.default,
    description: t.description,
    discoverable: true,
    factoryTag: t.factoryTag,
    metadata: [
      { key: "GalleryApplicationIdentifier", value: t.id },
      { key: "GalleryApplicationKey", value: t.id },
      { key: "IsOAuthEnabled", value: "false" },
      { key: "IsSynchronizationAgentAssignmentRequired", value: "false" },
      { key: "IsSynchronizationAgentRequired", value: "false" },
      { key: "IsSynchronizationInPreview", value: "false" },
      {
        key: "SynchronizationLearnMoreIbizaFwLink",
        value: "https://go.microsoft.com/fwlink/?linkid=2139358",
      },
    ],
  };
}

/** A new job: schedule Disabled with the max interval, status NotConfigured (graph-api.md §5). */
export function newJob(
  templateId: string,
  tenantId: string,
  initialCode: "NotConfigured" | "Paused",
): SynchronizationJob {
  return {
    id: `${templateId}.${tenantId.replace(/-/g, "")}.${randomUUID()}`,
    templateId,
    schedule: { expiration: null, interval: DISABLED_INTERVAL, state: "Disabled" },
    status: {
      code: initialCode,
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: null,
      lastSuccessfulExecution: null,
      lastSuccessfulExecutionWithExports: null,
      progress: [],
      quarantine: null,
      steadyStateFirstAchievedTime: NEVER,
      steadyStateLastAchievedTime: NEVER,
      synchronizedEntryCountByType: [],
      troubleshootingUrl: null,
    },
    synchronizationJobSettings: [
      { name: "QuarantineTooManyDeletesThreshold", value: "500" },
      { name: "AzureIngestionAttributeOptimization", value: "False" },
    ],
  };
}

/** One execution record with the given counters. */
export function taskExecution(
  state: SynchronizationTaskExecution["state"],
  beganMs: number,
  endedMs: number,
  counts: { entitled: number; exported: number; importedDeltas?: number },
  error: SynchronizationTaskExecution["error"],
): SynchronizationTaskExecution {
  return {
    activityIdentifier: randomUUID(),
    countEntitled: counts.entitled,
    countEntitledForProvisioning: counts.entitled,
    countEscrowed: 0,
    countEscrowedRaw: 0,
    countExported: counts.exported,
    countExports: counts.exported,
    countImported: counts.entitled,
    countImportedDeltas: counts.importedDeltas ?? counts.entitled,
    countImportedReferenceDeltas: 0,
    error,
    state,
    timeBegan: new Date(beganMs).toISOString(),
    timeEnded: new Date(endedMs).toISOString(),
  };
}

/** Context a provisioning-log entry needs about where it came from. */
export interface LogSource {
  tenantId: string;
  jobId: string;
  cycleId: string;
  servicePrincipal: { id: string; displayName: string; appId: string };
  targetSystem: string;
  initiator: "system" | "application";
  initiatorId: string | null;
}

/** What happened to one object: the parts of a provisioning-log entry that depend on the schema. */
export interface ProvisioningOutcome {
  action: "create" | "update" | "disable" | "other";
  status: "success" | "failure" | "skipped";
  /** Target attribute → value exported (empty when nothing was). */
  modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[];
  /** The scoping step: in scope (success) or out of scope (skipped), with the reason. */
  scope: { inScope: boolean; description: string };
  /** The export step's description. */
  exportDescription: string;
  error: { errorCode: string; reason: string; additionalDetails: string; recommendedAction: string } | null;
  /** Part of an initial cycle (after start, a schema change or a restart), which re-evaluates every object. */
  initialCycle: boolean;
}

/** The outcome of the emulator's simulated entry-level failure (assigned with failedUsers). */
export function simulatedFailure(object: AssignmentRecord, initialCycle: boolean): ProvisioningOutcome {
  return {
    action: "create",
    status: "failure",
    modifiedProperties: [
      { displayName: "displayName", oldValue: null, newValue: object.displayName },
      ...(object.userPrincipalName
        ? [{ displayName: "userPrincipalName", oldValue: null, newValue: object.userPrincipalName }]
        : []),
    ],
    scope: { inScope: true, description: `${object.objectType} is in scope (assigned to the application)` },
    exportDescription: "Export to the target system failed",
    error: {
      errorCode: "SystemForCrossDomainIdentityManagementBadRequest",
      reason: `The target system rejected ${object.objectType.toLowerCase()} '${object.displayName}' (simulated entry-level failure).`,
      additionalDetails: "Assigned with failedUsers through the emulator control API.",
      recommendedAction: "Check the attribute mappings and the target application's requirements.",
    },
    initialCycle,
  };
}

/** A provisioning-log entry (provisioningObjectSummary) for one object of a cycle or a provisionOnDemand call. */
export function provisioningLogEntry(
  source: LogSource,
  object: AssignmentRecord,
  atMs: number,
  outcome: ProvisioningOutcome,
): ProvisioningObjectSummary {
  const status = outcome.status;
  // Graph writes "" (not null) for ids it does not have: the system initiator's, a target never created.
  const targetId = status === "success" && outcome.action !== "other" ? randomUUID() : "";
  const step = (
    name: string,
    type: string,
    description: string,
    stepStatus: "success" | "failure" | "skipped",
    details: Record<string, string> = {},
  ) => ({
    name,
    description,
    details,
    provisioningStepType: type,
    status: stepStatus,
  });
  const exportStep: Record<ProvisioningOutcome["action"], string> = {
    create: "EntryExportAdd",
    update: "EntryExportUpdate",
    disable: "EntryExportUpdateSoftDelete",
    other: "EntrySynchronizationSkip",
  };
  return {
    id: randomUUID(),
    activityDateTime: new Date(atMs).toISOString(),
    changeId: randomUUID(),
    cycleId: source.cycleId,
    jobId: source.jobId,
    tenantId: source.tenantId,
    durationInMilliseconds: 150 + (object.displayName.length % 7) * 20,
    initiatedBy: {
      id: source.initiatorId ?? "",
      displayName: source.initiator === "system" ? "Azure AD Provisioning Service" : "Provision on demand",
      initiatorType: source.initiator,
    },
    modifiedProperties: outcome.modifiedProperties,
    provisioningAction: outcome.action,
    provisioningStatusInfo: {
      status,
      errorInformation: outcome.error
        ? {
            ...outcome.error,
            errorCategory: "nonServiceFailure",
          }
        : null,
    },
    provisioningSteps: [
      step(
        "EntryImportAdd",
        "import",
        `Received ${object.objectType} '${object.displayName}' from Microsoft Entra ID${outcome.initialCycle ? " (initial cycle: every assigned object is evaluated)" : ""}`,
        "success",
      ),
      step(
        "EntrySynchronizationScoping",
        "scoping",
        outcome.scope.description,
        outcome.scope.inScope ? "success" : "skipped",
      ),
      step(exportStep[outcome.action], "export", outcome.exportDescription, status, {
        ReportableIdentifier: object.userPrincipalName ?? object.displayName,
      }),
    ],
    servicePrincipal: { id: source.servicePrincipal.id, displayName: source.servicePrincipal.displayName },
    sourceIdentity: {
      id: object.id,
      displayName: object.displayName,
      identityType: object.objectType,
      details: {},
    },
    targetIdentity: {
      id: targetId,
      displayName: object.displayName,
      identityType: object.objectType,
      details: {},
    },
    sourceSystem: { id: randomUUID(), displayName: "Microsoft Entra ID", details: {} },
    targetSystem: {
      id: randomUUID(),
      displayName: source.targetSystem,
      details: {
        ApplicationId: source.servicePrincipal.appId,
        ServicePrincipalId: source.servicePrincipal.id,
        ServicePrincipalDisplayName: source.servicePrincipal.displayName,
      },
    },
  };
}
