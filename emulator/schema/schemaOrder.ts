/**
 * The order Graph keeps attribute mappings in. "Order … doesn't matter (the backend sorts for you)"
 * (graph-schema.md §1); by what is not documented: the emulator sorts by targetAttributeName, ignoring
 * case, then ordinally (unverified). Duplicates are kept ("Backend doesn't dedupe").
 */
import type { AttributeMapping } from "./schemaTypes";

function compareTargets(a: AttributeMapping, b: AttributeMapping): number {
  const x = a.targetAttributeName ?? "";
  const y = b.targetAttributeName ?? "";
  const lower = x.toLowerCase().localeCompare(y.toLowerCase(), "en");
  if (lower !== 0) return lower;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A copy of `mappings` in the backend's order (stable for equal targets). */
export function canonicalAttributeMappingOrder(mappings: AttributeMapping[]): AttributeMapping[] {
  return [...mappings].sort(compareTargets);
}
