/** `/applications`: list with `$filter`, GET, PATCH, DELETE (soft delete, takes the SP along) (graph-api.md §3). */
import { isoSeconds, synchronizationTemplateJson } from "../graphObjects";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";
import { applyDirectoryPatch } from "./directoryObjectPatch";
import { applyFilter } from "./filterQuery";

const READ_ONLY = [
  "id",
  "appId",
  "applicationTemplateId",
  "createdDateTime",
  "deletedDateTime",
  "publisherDomain",
  "disabledByMicrosoftStatus",
];

export class ApplicationsHandler extends BaseHandler {
  /** GET /applications — `$filter` (displayName, applicationTemplateId, appId, id, createdDateTime), `$top`. */
  list = (req: GraphRequest): EmulatorResponse => {
    const live = Object.values(req.tenant.applications)
      .filter((a) => a.deletedMs === null && this.replicated(a))
      .sort((a, b) => a.createdMs - b.createdMs)
      .map((a) => a.resource);
    const items = applyFilter(req, live, [
      "displayName",
      "applicationTemplateId",
      "appId",
      "id",
      "createdDateTime",
      "tags",
    ]);
    return this.page(req, items, "applications", 100, 999);
  };

  get = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const app = this.application(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(req, "applications/$entity"),
      ...this.select(req, app.resource),
    });
  };

  /** PATCH /applications/{id} — 204; renaming the application does not rename its service principal. */
  patch = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const app = this.application(req, params);
    applyDirectoryPatch(
      app.resource,
      this.objectBody(req, "the properties to change"),
      "application",
      READ_ONLY,
    );
    this.commit();
    return this.noContent();
  };

  /** DELETE /applications/{id} — 204; soft-deletes the application and its service principal (with its jobs and secrets). */
  delete = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const app = this.application(req, params);
    const now = this.now();
    app.deletedMs = now;
    app.resource.deletedDateTime = isoSeconds(now);
    for (const sp of Object.values(req.tenant.servicePrincipals)) {
      if (sp.applicationObjectId === app.resource.id && sp.deletedMs === null) {
        sp.deletedMs = now;
        sp.resource.deletedDateTime = isoSeconds(now);
      }
    }
    this.commit();
    return this.noContent();
  };

  /** GET /applications/{id}/synchronization/templates. */
  templates = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const app = this.application(req, params);
    const sp = Object.values(req.tenant.servicePrincipals).find(
      (s) => s.applicationObjectId === app.resource.id && s.deletedMs === null,
    );
    return this.ok({
      "@odata.context": this.contextUrl(
        req,
        `applications('${String(app.resource.id)}')/synchronization/templates`,
      ),
      value: (sp?.syncTemplates ?? []).map((t) => synchronizationTemplateJson(t, String(app.resource.appId))),
    });
  };
}
