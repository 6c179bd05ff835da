/** `/directory/deletedItems`: soft-deleted applications and service principals, restore and purge (graph-api.md §3). */
import { GraphErrors } from "../errors";
import type { ApplicationRecord, TenantState } from "../store";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";
import { applyFilter } from "./filterQuery";

type Found = { kind: "application" | "servicePrincipal"; record: ApplicationRecord };

function findDeleted(tenant: TenantState, id: string): Found | undefined {
  const key = id.toLowerCase();
  const app = tenant.applications[key];
  if (app && app.deletedMs !== null) return { kind: "application", record: app };
  const sp = tenant.servicePrincipals[key];
  if (sp && sp.deletedMs !== null) return { kind: "servicePrincipal", record: sp };
  return undefined;
}

export class DirectoryHandler extends BaseHandler {
  /** GET /directory/deletedItems/{id}. */
  get = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const found = findDeleted(req.tenant, params.objectId);
    if (!found) throw GraphErrors.notFound(params.objectId);
    return this.ok({
      "@odata.context": this.contextUrl(req, "directory/deletedItems/$entity"),
      "@odata.type": `#microsoft.graph.${found.kind}`,
      ...this.select(req, found.record.resource),
    });
  };

  /** GET /directory/deletedItems/microsoft.graph.application (or .servicePrincipal). */
  list = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const kind = params.type.toLowerCase() === "application" ? "application" : "servicePrincipal";
    const source: Record<string, ApplicationRecord> =
      kind === "application" ? req.tenant.applications : req.tenant.servicePrincipals;
    const items = applyFilter(
      req,
      Object.values(source)
        .filter((r) => r.deletedMs !== null)
        .map((r) => r.resource),
      ["displayName", "appId", "id", "applicationTemplateId"],
    );
    return this.page(req, items, `directory/deletedItems/microsoft.graph.${kind}`, 100, 999);
  };

  /** DELETE /directory/deletedItems/{id} — 204; purging an application purges its deleted service principal too. */
  purge = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const tenant = req.tenant;
    const found = findDeleted(tenant, params.objectId);
    if (!found) throw GraphErrors.notFound(params.objectId);
    const id = String(found.record.resource.id);
    if (found.kind === "application") {
      delete tenant.applications[id];
      for (const [spId, sp] of Object.entries(tenant.servicePrincipals)) {
        if (sp.applicationObjectId === id && sp.deletedMs !== null) delete tenant.servicePrincipals[spId];
      }
    } else {
      delete tenant.servicePrincipals[id];
    }
    this.commit();
    return this.noContent();
  };

  /** POST /directory/deletedItems/{id}/restore — 200; restoring an application restores its service principal. */
  restore = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const tenant = req.tenant;
    const found = findDeleted(tenant, params.objectId);
    if (!found) throw GraphErrors.notFound(params.objectId);
    const revive = (r: ApplicationRecord) => {
      r.deletedMs = null;
      r.resource.deletedDateTime = null;
    };
    revive(found.record);
    if (found.kind === "application") {
      for (const sp of Object.values(tenant.servicePrincipals)) {
        if (sp.applicationObjectId === found.record.resource.id && sp.deletedMs !== null) revive(sp);
      }
    }
    this.commit();
    return this.ok({
      "@odata.context": this.contextUrl(req, "directoryObjects/$entity"),
      "@odata.type": `#microsoft.graph.${found.kind}`,
      ...found.record.resource,
    });
  };
}
