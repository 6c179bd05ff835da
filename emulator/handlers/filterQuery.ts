/** `$filter` / `$orderby` helpers shared by the collection handlers. */
import { GraphErrors } from "../errors";
import {
  FilterSyntaxError,
  filterProperties,
  matchesFilter,
  parseFilter,
  type FilterMatchOptions,
} from "../odataFilter";
import type { GraphRequest } from "./baseHandler";

/**
 * Filters `items` by the request's `$filter`; 400 `BadRequest` for a malformed filter or a property outside
 * `allowed` (when given), naming it and the allowed ones. `options` sets how text functions compare (default:
 * case-sensitively).
 */
export function applyFilter<T>(
  req: GraphRequest,
  items: T[],
  allowed?: string[],
  options: FilterMatchOptions = {},
): T[] {
  const text = req.query.get("$filter");
  if (text === null || text.trim() === "") return items;
  let node;
  try {
    node = parseFilter(text);
  } catch (e) {
    if (e instanceof FilterSyntaxError)
      throw GraphErrors.badRequest(`Invalid filter clause: ${e.message}.`, "BadRequest");
    throw e;
  }
  if (allowed) {
    const bad = filterProperties(node).filter((p) => !allowed.includes(p));
    if (bad.length > 0) {
      throw GraphErrors.badRequest(
        `Invalid filter clause: filtering on '${bad[0]}' is not supported. Supported properties: ${allowed.join(", ")}.`,
        "BadRequest",
      );
    }
  }
  return items.filter((item) => matchesFilter(node, item, {}, options));
}

/** Sorts by `$orderby` (`prop [asc|desc]`, one key) when present, else by `fallback`. */
export function applyOrderBy<T>(
  req: GraphRequest,
  items: T[],
  allowed: string[],
  fallback?: { property: string; desc: boolean },
): T[] {
  const text = req.query.get("$orderby");
  let order = fallback;
  if (text !== null) {
    const m = /^\s*([\w/]+)(?:\s+(asc|desc))?\s*$/i.exec(text);
    if (!m || !allowed.includes(m[1])) {
      throw GraphErrors.badRequest(
        `Invalid $orderby '${text}': supported: ${allowed.map((a) => `${a} [asc|desc]`).join(", ")}.`,
        "BadRequest",
      );
    }
    order = { property: m[1], desc: m[2]?.toLowerCase() === "desc" };
  }
  if (!order) return items;
  const { property, desc } = order;
  const key = (item: T) => String((item as Record<string, unknown>)[property] ?? "");
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (desc ? -1 : 1));
}
