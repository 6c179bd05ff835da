/**
 * The stringKeyStringValuePair provisionOnDemand answers (GD synchronization-synchronizationjob-
 * provisionondemand.md, example 1): `key` = JSON `{"result":"Success"|"Skipped"|"Failure","details":{…}}`,
 * `value` = JSON of the step log (action, changeId, start/end time, modifiedProperties, provisioningSteps,
 * statusInfo, source/target identity and system). Values are PascalCase there ("Success", "Import"), unlike
 * the provisioning-log API.
 */
import type { provisioningLogEntry, ProvisioningOutcome } from "./graphObjects";
import type { SynchronizationSchema } from "./schema/schemaTypes";
import { findObjectMapping } from "./schema/objectEvaluation";
import type { AssignmentRecord } from "./store";

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The outcome for a subject that is not assigned to the application. */
export function notAssigned(object: AssignmentRecord): ProvisioningOutcome {
  const reason = `${object.objectType} '${object.displayName}' is not assigned to the application, so it is not in the provisioning scope`;
  return {
    action: "other",
    status: "skipped",
    modifiedProperties: [],
    scope: { inScope: false, description: reason },
    exportDescription: `${object.objectType} was skipped: ${reason}`,
    error: {
      errorCode: "NotEffectivelyEntitled",
      reason,
      additionalDetails:
        "Only users and groups assigned to the application (or all users, with Sync all) are provisioned.",
      recommendedAction: "Assign the user or group to the application, then provision on demand again.",
    },
    initialCycle: false,
  };
}

/** The outcome when the job's saved credentials would be rejected. */
export function credentialFailure(object: AssignmentRecord, problem: string): ProvisioningOutcome {
  return {
    action: "create",
    status: "failure",
    modifiedProperties: [],
    scope: { inScope: true, description: `${object.objectType} is in scope` },
    exportDescription: "Export to the target system failed: the connection could not be authorized",
    error: {
      errorCode: "CredentialValidationFailed",
      reason: problem,
      additionalDetails: "The saved synchronization credentials were rejected.",
      recommendedAction: "Save working credentials (secrets) and test the connection.",
    },
    initialCycle: false,
  };
}

/** The response's key and value for one subject. */
export function onDemandPair(
  object: AssignmentRecord,
  outcome: ProvisioningOutcome,
  entry: ReturnType<typeof provisioningLogEntry>,
  startMs: number,
  endMs: number,
  schema: SynchronizationSchema,
  targetSystem: string,
): { key: string; value: string } {
  const result = pascal(outcome.status);
  const details: Record<string, string> = {};
  if (outcome.error) {
    details.errorCode = outcome.error.errorCode;
    details.errorMessage = outcome.error.reason;
  }
  const targetObject =
    findObjectMapping(schema, object.objectType)?.objectMapping.targetObjectName ?? object.objectType;
  const timestamp = new Date(endMs).toISOString();
  const value = {
    action: pascal(outcome.action),
    changeId: entry.changeId,
    endTime: timestamp,
    modifiedProperties: outcome.modifiedProperties,
    provisioningSteps: entry.provisioningSteps.map((s) => ({
      name: s.name,
      type: pascal(s.provisioningStepType),
      status: pascal(s.status),
      description: s.description,
      timestamp,
      details: {},
    })),
    reportableIdentifier: object.userPrincipalName ?? object.displayName,
    startTime: new Date(startMs).toISOString(),
    statusInfo: {
      status: result,
      errorCode: outcome.error?.errorCode ?? null,
      reason: outcome.error?.reason ?? null,
      additionalDetails: outcome.error?.additionalDetails ?? null,
      errorCategory: outcome.error ? "NonServiceFailure" : null,
      recommendedAction: outcome.error?.recommendedAction ?? null,
    },
    sourceIdentity: {
      id: object.id,
      type: object.objectType,
      displayName: object.displayName,
      details: null,
    },
    sourceSystem: { id: null, name: "Azure Active Directory", details: null },
    targetIdentity: {
      id: entry.targetIdentity?.id ?? null,
      type: targetObject,
      displayName: null,
      details: null,
    },
    targetSystem: { id: null, name: targetSystem, details: null },
  };
  return { key: JSON.stringify({ result, details }), value: JSON.stringify(value) };
}
