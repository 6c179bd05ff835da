/** `/applicationTemplates`: the gallery catalog and `instantiate` (graph-api.md §1, §2). */
import { randomUUID } from "crypto";
import { CATALOG, findCatalogEntry } from "../catalog";
import { GraphErrors } from "../errors";
import { newApplicationPair } from "../graphObjects";
import { addEmulatedObject } from "../tenantDirectory";
import type { AssignmentRecord, ServicePrincipalRecord } from "../store";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";
import { applyFilter } from "./filterQuery";

/** Longest displayName accepted, in characters. */
export const MAX_DISPLAY_NAME = 256;

/** Builds `n` simulated users and `groups` groups for a service principal's provisioning scope. */
export function simulatedAssignments(
  tenantDomain: string,
  users: number,
  groups: number,
  failingUsers = 0,
  offset = 0,
  register?: (assignment: AssignmentRecord, n: number) => void,
): AssignmentRecord[] {
  const out: AssignmentRecord[] = [];
  for (let i = 1; i <= users + failingUsers; i++) {
    const n = offset + i;
    out.push({
      id: randomUUID(),
      objectType: "User",
      displayName: `Emulated User ${n}`,
      userPrincipalName: `user${n}@${tenantDomain}`,
      failing: i > users,
      provisionedAt: null,
    });
    register?.(out[out.length - 1], n);
  }
  for (let i = 1; i <= groups; i++) {
    out.push({
      id: randomUUID(),
      objectType: "Group",
      displayName: `Emulated Group ${offset + i}`,
      userPrincipalName: null,
      failing: false,
      provisionedAt: null,
    });
    register?.(out[out.length - 1], offset + i);
  }
  return out;
}

/** The tip Graph attaches to an unselected applicationTemplates list. */
const SELECT_TIP =
  "Use $select to choose only the properties your app needs, as this can lead to performance improvements. " +
  "For example: GET applicationTemplates?$select=categories,description";

export class ApplicationTemplatesHandler extends BaseHandler {
  /**
   * GET /applicationTemplates — `$filter` on displayName/categories, `$top`, `$skiptoken`. `contains` and the
   * other text functions ignore case, as the gallery search does (`contains(displayName,'salesf')` finds
   * Salesforce); `eq` stays exact, which GalleryApp's templateDisplayName lookup relies on.
   */
  list = (req: GraphRequest): EmulatorResponse => {
    const items = applyFilter(
      req,
      CATALOG.map((e) => e.template),
      ["displayName", "categories", "id", "publisher"],
      { caseInsensitiveText: true },
    );
    const response = this.page(req, items, "applicationTemplates", 100, 999);
    // Graph adds this annotation when no $select narrows the objects (applicationtemplate-list example).
    if (!req.query.get("$select")) {
      const { "@odata.context": context, ...rest } = response.body as Record<string, unknown>;
      response.body = { "@odata.context": context, "@microsoft.graph.tips": SELECT_TIP, ...rest };
    }
    return response;
  };

  /** GET /applicationTemplates/{id}. */
  get = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const entry = findCatalogEntry(params.templateId);
    if (!entry) throw GraphErrors.notFound(params.templateId);
    return this.ok({
      "@odata.context": this.contextUrl(req, "applicationTemplates/$entity"),
      ...this.select(req, entry.template),
    });
  };

  /** POST /applicationTemplates/{id}/instantiate `{displayName}` — 201 with both new objects. */
  instantiate = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const entry = findCatalogEntry(params.templateId);
    if (!entry) throw GraphErrors.notFound(params.templateId);
    const body = this.objectBody(req, '{"displayName": "<name>"}');
    const displayName = body.displayName;
    if (
      typeof displayName !== "string" ||
      displayName.trim().length === 0 ||
      displayName.length > MAX_DISPLAY_NAME
    ) {
      throw GraphErrors.badRequest(`displayName: required, a string of 1 to ${MAX_DISPLAY_NAME} characters.`);
    }
    const now = this.now();
    const tenant = req.tenant;
    const { application, servicePrincipal } = newApplicationPair(entry, displayName, tenant.tenantId, now);
    if (typeof body.serviceManagementReference === "string")
      application.serviceManagementReference = body.serviceManagementReference;
    tenant.applications[application.id as string] = {
      createdMs: now,
      deletedMs: null,
      resource: application,
    };
    const { users, groups } = this.ctx.settings.defaultAssignments;
    const sp: ServicePrincipalRecord = {
      createdMs: now,
      deletedMs: null,
      resource: servicePrincipal,
      applicationObjectId: application.id as string,
      syncTemplates: entry.synchronizationTemplates.map((t) => ({ ...t })),
      jobs: {},
      secrets: [],
      assignments: simulatedAssignments(String(application.publisherDomain), users, groups, 0, 0, (a, n) =>
        addEmulatedObject(tenant, a, n, String(application.publisherDomain), now),
      ),
    };
    tenant.servicePrincipals[servicePrincipal.id as string] = sp;
    this.commit();
    return this.ok(
      {
        "@odata.context": this.contextUrl(req, "microsoft.graph.applicationServicePrincipal"),
        application,
        servicePrincipal,
      },
      201,
    );
  };
}
