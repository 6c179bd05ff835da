/**
 * `…/synchronization/jobs`: create (201, Disabled/NotConfigured), list, get, delete, validateCredentials in
 * both bindings, start/pause/restart and provisionOnDemand (graph-api.md §5, §6, §8).
 */
import { randomUUID } from "crypto";
import { RESTART_SCOPE_FLAGS } from "../model/synchronizationEnums";
import { connectorProfile } from "../catalog";
import { credentialFacts, credentialProblem, type CredentialFacts } from "../credentialRules";
import { EmulatorError, GraphErrors } from "../errors";
import { ACTIVE_INTERVAL, newJob, provisioningLogEntry } from "../graphObjects";
import { credentialFailure, notAssigned, onDemandPair } from "../onDemandResult";
import { evaluateAssignment } from "../provisioningOutcome";
import { jobSchema } from "../schema/jobSchema";
import type { AssignmentRecord, JobRecord, ServicePrincipalRecord } from "../store";
import { advanceJob } from "../syncCycle";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";
import { parseSecretPairs } from "./synchronizationSecretsHandler";

/** A synchronization template as a service principal record holds it. */
type SyncTemplateRecord = ServicePrincipalRecord["syncTemplates"][number];

/** Scope of a restart without criteria: what the portal's "Restart provisioning" clears. */
const DEFAULT_RESTART_SCOPE = ["QuarantineState", "Watermark", "Escrows"];

/** Parses a `synchronizationJobRestartScope` flags value (comma-separated names); 400 naming a bad flag. */
export function parseRestartScope(value: unknown): string[] {
  if (typeof value !== "string" || value.trim() === "") {
    throw GraphErrors.badRequest(
      `criteria.resetScope: must be a comma-separated list of ${RESTART_SCOPE_FLAGS.join(", ")}.`,
      "BadRequest",
    );
  }
  return value.split(",").map((part) => {
    const flag = RESTART_SCOPE_FLAGS.find((f) => f.toLowerCase() === part.trim().toLowerCase());
    if (!flag) {
      throw GraphErrors.badRequest(
        `criteria.resetScope: '${part.trim()}' is not a synchronizationJobRestartScope flag; allowed: ${RESTART_SCOPE_FLAGS.join(", ")}.`,
        "BadRequest",
      );
    }
    return flag;
  });
}

export class SynchronizationJobsHandler extends BaseHandler {
  private jobContext(req: GraphRequest, sp: ServicePrincipalRecord): string {
    return this.contextUrl(req, `servicePrincipals('${String(sp.resource.id)}')/synchronization/jobs`);
  }

  /** GET …/jobs. */
  list = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const records = Object.values(sp.jobs).filter((j) => this.replicated(j));
    let changed = false;
    for (const r of records)
      changed = advanceJob(req.tenant, sp, r, this.now(), this.ctx.settings.cycleTimeMs) || changed;
    if (changed) this.commit();
    return this.ok({
      "@odata.context": this.jobContext(req, sp),
      value: records.map((r) => this.select(req, r.job)),
    });
  };

  /** POST …/jobs `{templateId}` — 201 with the new job. */
  create = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const body = this.objectBody(req, '{"templateId": "<synchronization template id>"}');
    if (typeof body.templateId !== "string" || body.templateId === "") {
      throw GraphErrors.badRequest(
        "templateId: required, the id of one of this service principal's synchronization templates.",
        "BadRequest",
      );
    }
    const template = this.syncTemplate(sp, body.templateId);
    const existing = Object.values(sp.jobs).find((j) => j.job.templateId === template.id);
    if (existing) {
      // Unverified against Graph (graph-api.md §14 lists no behaviour); one job per template keeps ids unambiguous.
      throw new EmulatorError(
        409,
        "Conflict",
        `A synchronization job for template '${template.id}' already exists on this service principal: '${existing.job.id}'.`,
      );
    }
    const profile = connectorProfile(template.factoryTag);
    const job = newJob(template.id, req.tenant.tenantId, profile.initialStatusCode);
    sp.jobs[job.id] = {
      createdMs: this.now(),
      job,
      factoryTag: template.factoryTag,
      nextCycleMs: null,
      cycleCount: 0,
    };
    this.commit();
    return this.ok({ "@odata.context": `${this.jobContext(req, sp)}/$entity`, ...job }, 201);
  };

  /** GET …/jobs/{jobId}. */
  get = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    return this.ok({
      "@odata.context": `${this.jobContext(req, sp)}/$entity`,
      ...this.select(req, record.job),
    });
  };

  /** DELETE …/jobs/{jobId} — 204. */
  delete = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    delete sp.jobs[record.job.id];
    this.commit();
    return this.noContent();
  };

  /** POST …/jobs/validateCredentials (collection-bound; templateId from the body, else the SP's default). */
  validateForTemplate = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const body =
      req.body === undefined
        ? {}
        : this.objectBody(req, '{"templateId": "…", "credentials": [{"key", "value"}]}');
    let factoryTag: string;
    if (typeof body.templateId === "string" && body.templateId !== "") {
      factoryTag = this.syncTemplate(sp, body.templateId).factoryTag;
    } else {
      const template =
        sp.syncTemplates.find((t) => t.default) ??
        (sp.syncTemplates.length === 1 ? sp.syncTemplates[0] : undefined);
      if (!template)
        throw GraphErrors.badRequest(
          `templateId: required for this service principal; available: ${sp.syncTemplates.map((t) => t.id).join(", ")}.`,
          "BadRequest",
        );
      factoryTag = template.factoryTag;
    }
    return this.validate(sp, factoryTag, body);
  };

  /** POST …/jobs/{jobId}/validateCredentials (job-bound). */
  validateForJob = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const body =
      req.body === undefined
        ? {}
        : this.objectBody(req, '{"credentials": [{"key", "value"}]} or {"useSavedCredentials": true}');
    return this.validate(sp, record.factoryTag, body);
  };

  /** The service principal's synchronization template `templateId` (any case); 400 listing the available ones. */
  private syncTemplate(sp: ServicePrincipalRecord, templateId: string): SyncTemplateRecord {
    const template = sp.syncTemplates.find((t) => t.id.toLowerCase() === templateId.toLowerCase());
    if (!template) {
      throw GraphErrors.badRequest(
        `templateId: '${templateId}' is not a synchronization template of this service principal; available: ${sp.syncTemplates.map((t) => t.id).join(", ")}.`,
        "BadRequest",
      );
    }
    return template;
  }

  /** 204 when the connector accepts the credentials; 400 BadRequest / CredentialValidationFailed otherwise. Saves nothing. */
  private validate(
    sp: ServicePrincipalRecord,
    factoryTag: string,
    body: Record<string, unknown>,
  ): EmulatorResponse {
    let facts: CredentialFacts[];
    if (body.useSavedCredentials === true) {
      facts = sp.secrets;
    } else {
      facts = parseSecretPairs(body.credentials ?? [], "credentials").map((p) =>
        credentialFacts(p.key, p.value),
      );
    }
    const problem = credentialProblem(connectorProfile(factoryTag), facts);
    if (problem)
      throw GraphErrors.badRequest(
        `Credential validation failed: ${problem}`,
        "BadRequest",
        "CredentialValidationFailed",
      );
    return this.noContent();
  }

  /** POST …/jobs/{jobId}/start — 204. Clears quarantine; no-op on a job already running. */
  start = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const { job } = record;
    const running =
      job.schedule.state === "Active" && job.status.quarantine === null && record.nextCycleMs !== null;
    if (!running) this.schedule(record);
    this.commit();
    return this.noContent();
  };

  /** POST …/jobs/{jobId}/pause — 204. */
  pause = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    record.job.schedule.state = "Paused";
    record.job.status.code = "Paused";
    record.nextCycleMs = null;
    this.commit();
    return this.noContent();
  };

  /** POST …/jobs/{jobId}/restart `{criteria:{resetScope}}` — 204; lifts quarantine when the scope says so, then runs. */
  restart = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const body =
      req.body === undefined ? {} : this.objectBody(req, '{"criteria": {"resetScope": "QuarantineState"}}');
    let scope = DEFAULT_RESTART_SCOPE;
    if (body.criteria !== undefined && body.criteria !== null) {
      if (typeof body.criteria !== "object")
        throw GraphErrors.badRequest(
          'criteria: must be an object such as {"resetScope": "QuarantineState"}.',
          "BadRequest",
        );
      const resetScope = (body.criteria as { resetScope?: unknown }).resetScope;
      if (resetScope !== undefined && resetScope !== null) scope = parseRestartScope(resetScope);
    }
    const status = record.job.status;
    if (scope.includes("Watermark") || scope.includes("Full")) {
      // Re-evaluate every assigned object: the next cycle is an initial one and logs them again.
      for (const a of sp.assignments) a.provisionedAt = null;
      record.initialCyclePending = true;
    }
    if (scope.includes("Escrows") || scope.includes("Full")) status.escrowsPruned = true;
    const liftsQuarantine = scope.includes("QuarantineState") || scope.includes("Full");
    if (status.quarantine === null || liftsQuarantine) this.schedule(record);
    this.commit();
    return this.noContent();
  };

  /**
   * POST …/jobs/{jobId}/provisionOnDemand — 200 with one stringKeyStringValuePair (graph-schema.md §5,
   * GD example 1): `key` = `{"result","details"}`, `value` = the step log, for the first subject; every
   * subject is evaluated through the job's schema like a cycle would and logged. An unknown ruleId ⇒ 400
   * naming the schema's rules (unverified); a subject not assigned to the application ⇒ Skipped.
   */
  provisionOnDemand = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const record = this.job(req, sp, params.jobId);
    const wait = this.ctx.throttler.takeLogRead(
      `${req.tenant.tenantId}/${req.clientId}/provisionOnDemand`,
      this.now(),
    );
    if (wait > 0) throw GraphErrors.tooManyRequests(wait);
    const body = this.objectBody(
      req,
      '{"parameters": [{"ruleId": "…", "subjects": [{"objectId": "…", "objectTypeName": "User"}]}]}',
    );
    if (!Array.isArray(body.parameters) || body.parameters.length === 0) {
      throw GraphErrors.badRequest(
        "parameters: required, an array of {ruleId, subjects:[{objectId, objectTypeName}]}.",
        "BadRequest",
      );
    }
    const schema = jobSchema(record);
    const requests = (body.parameters as unknown[]).map((p, i) => {
      const parameter = (p ?? {}) as { ruleId?: unknown; subjects?: unknown };
      const rule = schema.synchronizationRules.find((r) => r.id === parameter.ruleId);
      if (!rule)
        throw GraphErrors.badRequest(
          `parameters[${i}].ruleId: '${String(parameter.ruleId)}' is not a rule of this job's schema; rules: ${schema.synchronizationRules.map((r) => `${r.id} (${r.name})`).join(", ")}.`,
          "BadRequest",
        );
      if (!Array.isArray(parameter.subjects) || parameter.subjects.length === 0)
        throw GraphErrors.badRequest(
          `parameters[${i}].subjects: required, an array of {objectId, objectTypeName}.`,
          "BadRequest",
        );
      return {
        ruleId: rule.id,
        subjects: parameter.subjects as { objectId?: unknown; objectTypeName?: unknown }[],
      };
    });
    const profile = connectorProfile(record.factoryTag);
    const credentials = credentialProblem(profile, sp.secrets);
    const spJson = sp.resource as { id: string; displayName: string; appId: string };
    const startMs = this.now();
    const results = requests.flatMap(({ ruleId, subjects }) =>
      subjects.map((subject) => {
        const objectId = String(subject.objectId ?? "").toLowerCase();
        const assigned = sp.assignments.find((a) => a.id === objectId);
        const known = req.tenant.directoryObjects?.[objectId];
        const object: AssignmentRecord = assigned ?? {
          id: objectId,
          objectType: subject.objectTypeName === "Group" ? "Group" : "User",
          displayName: String(known?.attributes.displayName ?? objectId),
          userPrincipalName: (known?.attributes.userPrincipalName as string | undefined) ?? null,
          failing: false,
          provisionedAt: null,
        };
        const evaluated = assigned
          ? evaluateAssignment(req.tenant, sp, schema, assigned, {
              nowMs: startMs,
              initialCycle: false,
              targetSystem: profile.targetSystem,
              ruleId,
            })
          : { outcome: notAssigned(object), commit: () => undefined };
        const outcome = credentials ? credentialFailure(object, credentials) : evaluated.outcome;
        const entry = provisioningLogEntry(
          {
            tenantId: req.tenant.tenantId,
            jobId: record.job.id,
            cycleId: randomUUID(),
            servicePrincipal: { id: spJson.id, displayName: spJson.displayName, appId: spJson.appId },
            targetSystem: profile.targetSystem,
            initiator: "application",
            initiatorId: req.clientId,
          },
          object,
          startMs,
          outcome,
        );
        req.tenant.provisioningLogs.push(entry);
        if (!credentials && outcome.status !== "failure") {
          evaluated.commit();
          if (assigned) assigned.provisionedAt = new Date(startMs).toISOString();
        }
        return { object, outcome, entry };
      }),
    );
    this.commit();
    const first = results[0];
    return this.ok({
      "@odata.context": this.contextUrl(req, "microsoft.graph.stringKeyStringValuePair"),
      ...onDemandPair(
        first.object,
        first.outcome,
        first.entry,
        startMs,
        this.now(),
        schema,
        profile.targetSystem,
      ),
    });
  };

  /** Schedules the next cycle: schedule Active, quarantine cleared, code NotRun until a cycle succeeds. */
  private schedule(record: JobRecord): void {
    const { job } = record;
    job.schedule.state = "Active";
    job.schedule.interval = ACTIVE_INTERVAL;
    job.status.quarantine = null;
    job.status.code = job.status.lastSuccessfulExecution ? "Active" : "NotRun";
    record.nextCycleMs = this.now() + this.ctx.settings.cycleTimeMs;
  }
}
