/** `/servicePrincipals`: list, GET, PATCH, DELETE, and its synchronization templates (graph-api.md §3, §4). */
import { isoSeconds, synchronizationTemplateJson } from "../graphObjects";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";
import { applyDirectoryPatch } from "./directoryObjectPatch";
import { applyFilter } from "./filterQuery";

const READ_ONLY = [
  "id",
  "appId",
  "applicationTemplateId",
  "appOwnerOrganizationId",
  "deletedDateTime",
  "servicePrincipalType",
  "appDisplayName",
  "disabledByMicrosoftStatus",
];

export class ServicePrincipalsHandler extends BaseHandler {
  /** GET /servicePrincipals — `$filter` (appId, displayName, id, applicationTemplateId), `$top`. */
  list = (req: GraphRequest): EmulatorResponse => {
    const live = Object.values(req.tenant.servicePrincipals)
      .filter((s) => s.deletedMs === null && this.replicated(s))
      .sort((a, b) => a.createdMs - b.createdMs)
      .map((s) => s.resource);
    const items = applyFilter(req, live, [
      "appId",
      "displayName",
      "id",
      "applicationTemplateId",
      "servicePrincipalType",
      "tags",
    ]);
    return this.page(req, items, "servicePrincipals", 100, 999);
  };

  get = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(req, "servicePrincipals/$entity"),
      ...this.select(req, sp.resource),
    });
  };

  patch = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    applyDirectoryPatch(
      sp.resource,
      this.objectBody(req, "the properties to change"),
      "servicePrincipal",
      READ_ONLY,
    );
    this.commit();
    return this.noContent();
  };

  /** DELETE /servicePrincipals/{id} — 204; soft delete; its jobs and secrets become unreachable with it. */
  delete = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const now = this.now();
    sp.deletedMs = now;
    sp.resource.deletedDateTime = isoSeconds(now);
    this.commit();
    return this.noContent();
  };

  /** GET /servicePrincipals/{id}/synchronization/templates. */
  templates = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(
        req,
        `servicePrincipals('${String(sp.resource.id)}')/synchronization/templates`,
      ),
      value: sp.syncTemplates.map((t) => synchronizationTemplateJson(t, String(sp.resource.appId))),
    });
  };
}
