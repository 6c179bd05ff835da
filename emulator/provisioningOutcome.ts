/**
 * One assigned object through a job's schema, for a cycle or provisionOnDemand: out of scope ⇒ skipped
 * (or, when it was in the target, disabled — unless SkipOutOfScopeDeletions is saved as True); in scope ⇒
 * create or update with the mapped values (modifiedProperties). The simulated failing users still fail.
 */
import { simulatedFailure, type ProvisioningOutcome } from "./graphObjects";
import { evaluateObject } from "./schema/objectEvaluation";
import type { SynchronizationSchema } from "./schema/schemaTypes";
import type { AssignmentRecord, ServicePrincipalRecord, TenantState } from "./store";
import { attributesOf } from "./tenantDirectory";

/** An outcome plus the assignment's state after it. */
export interface EvaluatedAssignment {
  outcome: ProvisioningOutcome;
  /** Apply to the assignment once the result counts (a cycle's export, or provisionOnDemand's). */
  commit: () => void;
}

function skipsOutOfScopeDeletions(sp: ServicePrincipalRecord): boolean {
  const setting = sp.secrets.find((s) => s.key === "SkipOutOfScopeDeletions");
  return (
    setting?.clearValue !== null && setting?.clearValue !== undefined && /^true$/i.test(setting.clearValue)
  );
}

/** Evaluates `object` under `schema` (optionally only rule `ruleId`). Nothing changes until `commit()`. */
export function evaluateAssignment(
  tenant: TenantState,
  sp: ServicePrincipalRecord,
  schema: SynchronizationSchema,
  object: AssignmentRecord,
  options: { nowMs: number; initialCycle: boolean; targetSystem: string; ruleId?: string },
): EvaluatedAssignment {
  const initialCycle = options.initialCycle;
  const inTarget = object.inTarget === true;
  const evaluation = evaluateObject(schema, object.objectType, attributesOf(tenant, object), {
    isCreate: !inTarget,
    nowMs: options.nowMs,
    ruleId: options.ruleId,
  });
  const noop = () => undefined;
  if (evaluation.kind === "noMapping" || evaluation.kind === "outOfScope") {
    const reason = evaluation.reason;
    const scope = { inScope: false, description: reason };
    if (inTarget && evaluation.kind === "outOfScope" && !skipsOutOfScopeDeletions(sp)) {
      return {
        outcome: {
          action: "disable",
          status: "success",
          modifiedProperties: [],
          scope,
          exportDescription: `${object.objectType} '${object.displayName}' left the provisioning scope and was disabled in ${options.targetSystem}`,
          error: null,
          initialCycle,
        },
        commit: () => {
          object.inTarget = false;
        },
      };
    }
    return {
      outcome: {
        action: "other",
        status: "skipped",
        modifiedProperties: [],
        scope,
        exportDescription: `${object.objectType} '${object.displayName}' was skipped: ${reason}`,
        error: {
          errorCode: evaluation.kind === "outOfScope" ? "NotInScope" : "NoObjectMapping",
          reason,
          additionalDetails:
            evaluation.kind === "outOfScope"
              ? "The object is assigned to the application but does not match the object mapping's scoping filter."
              : "The schema has no enabled object mapping for this object type.",
          recommendedAction:
            evaluation.kind === "outOfScope"
              ? "Change the scoping filter, or the object's attributes, if it should be provisioned."
              : "Enable an object mapping for this object type if it should be provisioned.",
        },
        initialCycle,
      },
      commit: noop,
    };
  }
  if (object.failing) return { outcome: simulatedFailure(object, initialCycle), commit: noop };
  const previous = object.exportedValues ?? {};
  const scope = { inScope: true, description: `${object.objectType} is in scope: ${evaluation.reason}` };
  if (evaluation.error !== null) {
    return {
      outcome: {
        action: inTarget ? "update" : "create",
        status: "failure",
        modifiedProperties: [],
        scope,
        exportDescription: "Export to the target system failed",
        error: {
          errorCode: "ExpressionEvaluationFailed",
          reason: evaluation.error,
          additionalDetails: `Object mapping '${evaluation.objectMapping.name}'.`,
          recommendedAction:
            "Fix the attribute mapping's expression (POST …/schema/parseExpression tests it).",
        },
        initialCycle,
      },
      commit: noop,
    };
  }
  const values = Object.fromEntries(evaluation.values.map((v) => [v.targetAttributeName, v.value]));
  return {
    outcome: {
      action: inTarget ? "update" : "create",
      status: "success",
      modifiedProperties: evaluation.values.map((v) => ({
        displayName: v.targetAttributeName,
        oldValue: inTarget ? (previous[v.targetAttributeName] ?? null) : null,
        newValue: v.value,
      })),
      scope,
      exportDescription: inTarget
        ? `${object.objectType} '${object.displayName}' was updated in ${options.targetSystem}`
        : `${object.objectType} '${object.displayName}' was created in ${options.targetSystem}`,
      error: null,
      initialCycle,
    },
    commit: () => {
      object.inTarget = true;
      object.exportedValues = { ...previous, ...values };
    },
  };
}
