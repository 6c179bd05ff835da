/**
 * The tenant's emulated users and groups with real Entra attribute names (department, jobTitle, mail,
 * givenName, surname, preferredLanguage, accountEnabled, …): what provisioning cycles and provisionOnDemand
 * read through a job's attribute mappings and scoping filters. Objects created by `assign` get
 * deterministic attributes from their number (departments rotate Sales, Engineering, Marketing, Finance);
 * `upsertUser` adds or changes one (a changed object is re-evaluated at the next cycle).
 */
import { randomUUID } from "crypto";
import type { ExpressionInput } from "./schema/expression";
import type { AssignmentRecord, TenantState } from "./store";

/** An emulated user or group of the tenant. */
export interface DirectoryObjectRecord {
  id: string;
  objectType: "User" | "Group";
  /** Entra attribute name → value ("True"/"False" for Booleans; arrays for multi-valued attributes). */
  attributes: Record<string, string | string[] | null>;
  /** Last change (ms since epoch): objects changed after their last evaluation are evaluated again. */
  changedMs: number;
}

/** The departments emulated users rotate through, by number. */
export const EMULATED_DEPARTMENTS = ["Sales", "Engineering", "Marketing", "Finance"];
const JOB_TITLES = ["Account Executive", "Software Engineer", "Marketing Manager", "Financial Analyst"];

/** Attributes of emulated user number `n` (1-based). */
export function emulatedUserAttributes(
  id: string,
  n: number,
  domain: string,
): DirectoryObjectRecord["attributes"] {
  const i = (n - 1) % EMULATED_DEPARTMENTS.length;
  return {
    objectId: id,
    accountEnabled: "True",
    IsSoftDeleted: "False",
    appRoleAssignments: ["msiam_access"],
    userPrincipalName: `user${n}@${domain}`,
    mail: `user${n}@${domain}`,
    mailNickname: `user${n}`,
    displayName: `Emulated User ${n}`,
    givenName: "Emulated",
    surname: `User ${n}`,
    department: EMULATED_DEPARTMENTS[i],
    jobTitle: JOB_TITLES[i],
    preferredLanguage: "en-US",
    employeeId: String(1000 + n),
    city: "Redmond",
    country: "US",
    usageLocation: "US",
    userType: "Member",
    extensionAttribute1: `CC-${100 + i}`,
  };
}

/** Attributes of emulated group number `n`. */
export function emulatedGroupAttributes(
  id: string,
  n: number,
  domain: string,
): DirectoryObjectRecord["attributes"] {
  return {
    objectId: id,
    IsSoftDeleted: "False",
    appRoleAssignments: ["msiam_access"],
    displayName: `Emulated Group ${n}`,
    description: `Emulated group ${n}`,
    mailNickname: `group${n}`,
    mail: `group${n}@${domain}`,
    mailEnabled: "False",
    securityEnabled: "True",
    members: [],
  };
}

/** The tenant's directory objects (created on first use; absent in older state files). */
export function tenantDirectory(tenant: TenantState): Record<string, DirectoryObjectRecord> {
  return (tenant.directoryObjects ??= {});
}

/** Registers the directory object behind a new assignment, numbered `n`. */
export function addEmulatedObject(
  tenant: TenantState,
  assignment: AssignmentRecord,
  n: number,
  domain: string,
  nowMs: number,
): void {
  const attributes =
    assignment.objectType === "User"
      ? emulatedUserAttributes(assignment.id, n, domain)
      : emulatedGroupAttributes(assignment.id, n, domain);
  tenantDirectory(tenant)[assignment.id] = {
    id: assignment.id,
    objectType: assignment.objectType,
    attributes,
    changedMs: nowMs,
  };
}

/** The attributes a cycle reads for an assignment; objects from older state files get minimal ones. */
export function attributesOf(tenant: TenantState, assignment: AssignmentRecord): ExpressionInput {
  const record = tenant.directoryObjects?.[assignment.id];
  if (record) return { ...record.attributes, objectId: assignment.id };
  return {
    objectId: assignment.id,
    displayName: assignment.displayName,
    userPrincipalName: assignment.userPrincipalName,
    accountEnabled: "True",
    IsSoftDeleted: "False",
  };
}

/** When the object behind an assignment last changed (0 when unknown). */
export function changedMsOf(tenant: TenantState, assignment: AssignmentRecord): number {
  return tenant.directoryObjects?.[assignment.id]?.changedMs ?? 0;
}

/** What `upsertUser` accepts. */
export interface DirectoryObjectUpsert {
  /** Existing object to change; a new one is created when omitted or unknown. */
  id?: string;
  /** For new objects; defaults to User. */
  objectType?: "User" | "Group";
  /** Attributes to set (null removes one). */
  attributes?: Record<string, string | string[] | boolean | number | null>;
  /** Assign the object to this service principal (if it is not yet). */
  servicePrincipalId?: string;
}

/** `upsertUser`'s argument: the object, plus its tenant (default tenant when omitted). */
export type UserUpsert = DirectoryObjectUpsert & { tenantId?: string };

/** Adds or changes a directory object; returns its id. Throws naming a bad field. */
export function upsertDirectoryObject(
  tenant: TenantState,
  spec: DirectoryObjectUpsert,
  nowMs: number,
): string {
  if (spec.objectType !== undefined && spec.objectType !== "User" && spec.objectType !== "Group")
    throw new Error("objectType: must be 'User' or 'Group'");
  if (
    spec.attributes !== undefined &&
    (spec.attributes === null || typeof spec.attributes !== "object" || Array.isArray(spec.attributes))
  )
    throw new Error(
      "attributes: must be an object of attribute name → string, string array, boolean, number or null",
    );
  const directory = tenantDirectory(tenant);
  const id = (spec.id ?? randomUUID()).toLowerCase();
  const existingAssignment = Object.values(tenant.servicePrincipals)
    .flatMap((sp) => sp.assignments)
    .find((a) => a.id === id);
  const record = (directory[id] ??= {
    id,
    objectType: spec.objectType ?? existingAssignment?.objectType ?? "User",
    attributes: {
      objectId: id,
      accountEnabled: "True",
      IsSoftDeleted: "False",
      appRoleAssignments: ["msiam_access"],
    },
    changedMs: nowMs,
  });
  for (const [name, value] of Object.entries(spec.attributes ?? {})) {
    if (value === null) delete record.attributes[name];
    else if (Array.isArray(value)) record.attributes[name] = value.map(String);
    else if (typeof value === "boolean") record.attributes[name] = value ? "True" : "False";
    else if (typeof value === "string" || typeof value === "number") record.attributes[name] = String(value);
    else throw new Error(`attributes.${name}: must be a string, string array, boolean, number or null`);
  }
  record.changedMs = nowMs;
  const displayName = String(record.attributes.displayName ?? id);
  const upn =
    typeof record.attributes.userPrincipalName === "string" ? record.attributes.userPrincipalName : null;
  for (const sp of Object.values(tenant.servicePrincipals))
    for (const a of sp.assignments)
      if (a.id === id) {
        a.displayName = displayName;
        a.userPrincipalName = upn;
      }
  if (spec.servicePrincipalId !== undefined) {
    const sp = tenant.servicePrincipals[String(spec.servicePrincipalId).toLowerCase()];
    if (!sp || sp.deletedMs !== null)
      throw new Error(`servicePrincipalId: no live service principal '${spec.servicePrincipalId}'`);
    if (!sp.assignments.some((a) => a.id === id))
      sp.assignments.push({
        id,
        objectType: record.objectType,
        displayName,
        userPrincipalName: upn,
        failing: false,
        provisionedAt: null,
      });
  }
  return id;
}
