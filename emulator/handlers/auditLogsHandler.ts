/**
 * GET `/auditLogs/provisioning`: provisioning-log entries of the caller's tenant with `$filter`
 * (jobId, servicePrincipal/id, activityDateTime gt/lt, provisioningStatusInfo/status, …), `$orderby`
 * (activityDateTime; newest first by default), `$top` and `@odata.nextLink` (graph-api.md §10).
 */
import { GraphErrors } from "../errors";
import { advanceTenant } from "../syncCycle";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";
import { applyFilter, applyOrderBy } from "./filterQuery";

/** Properties `$filter` accepts on provisioning logs (the filterable set Learn lists). */
const FILTERABLE = [
  "id",
  "tenantId",
  "jobId",
  "changeId",
  "cycleId",
  "provisioningAction",
  "provisioningStatusInfo/status",
  "activityDateTime",
  "durationInMilliseconds",
  "servicePrincipal/id",
  "servicePrincipal/displayName",
  "sourceSystem/displayName",
  "targetSystem/displayName",
  "sourceIdentity/id",
  "sourceIdentity/identityType",
  "sourceIdentity/displayName",
  "targetIdentity/id",
  "targetIdentity/identityType",
  "targetIdentity/displayName",
];

export class AuditLogsHandler extends BaseHandler {
  provisioning = (req: GraphRequest): EmulatorResponse => {
    const wait = this.ctx.throttler.takeLogRead(`${req.tenant.tenantId}/${req.clientId}`, this.now());
    if (wait > 0)
      throw GraphErrors.tooManyRequests(
        wait,
        "Too many requests: the reports API allows 5 requests per 10 seconds per app per tenant.",
      );
    if (advanceTenant(req.tenant, this.now(), this.ctx.settings.cycleTimeMs)) this.commit();
    const filtered = applyFilter(req, req.tenant.provisioningLogs, FILTERABLE);
    const ordered = applyOrderBy(req, filtered, ["activityDateTime"], {
      property: "activityDateTime",
      desc: true,
    });
    return this.page(req, ordered, "auditLogs/provisioning", 100, 1000);
  };
}
