/** PATCH semantics shared by applications and service principals. */
import { GraphErrors } from "../errors";
import { MAX_DISPLAY_NAME } from "./applicationTemplatesHandler";

/**
 * Applies a PATCH body to a directory object: only properties the object has, none of `readOnly`;
 * displayName must be a 1..256-character string; other values must keep their JSON type (or null).
 */
export function applyDirectoryPatch(
  resource: Record<string, unknown>,
  patch: Record<string, unknown>,
  typeName: string,
  readOnly: string[],
): void {
  for (const [name, value] of Object.entries(patch)) {
    if (name.startsWith("@odata.")) continue;
    if (!(name in resource)) {
      throw GraphErrors.badRequest(
        `Property '${name}' does not exist on type 'microsoft.graph.${typeName}'.`,
      );
    }
    if (readOnly.includes(name)) {
      throw GraphErrors.badRequest(`Property '${name}' is read-only and cannot be set.`);
    }
    if (name === "displayName") {
      if (typeof value !== "string" || value.trim().length === 0 || value.length > MAX_DISPLAY_NAME) {
        throw GraphErrors.badRequest(`displayName: must be a string of 1 to ${MAX_DISPLAY_NAME} characters.`);
      }
    } else {
      const current = resource[name];
      const kind = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
      if (value !== null && current !== null && kind(value) !== kind(current)) {
        throw GraphErrors.badRequest(`Property '${name}' expects a value of type ${kind(current)}.`);
      }
    }
  }
  for (const [name, value] of Object.entries(patch)) if (!name.startsWith("@odata.")) resource[name] = value;
}
