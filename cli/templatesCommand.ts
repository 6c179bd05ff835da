/**
 * `graph-provisioning templates [search]`: gallery application templates, with ids and whether they
 * support provisioning.
 */
import { odataString } from "../provider/graph/graphClient";
import type { ApplicationTemplate } from "../provider/graph/types";
import type { CliContext, CommonFlags } from "./cliContext";
import { formatTable } from "./formatTable";

/** One row of the `templates` output (also its `--json` array element). */
export interface TemplateListing {
  id: string;
  displayName: string | null;
  publisher: string | null;
  categories: string[];
  /** True when `supportedProvisioningTypes` includes `sync` (automatic user provisioning). */
  supportsProvisioning: boolean;
}

/** Flags of `templates`. */
export interface TemplatesFlags extends CommonFlags {
  /** Only templates that support provisioning. */
  provisioning?: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The Graph `$filter` for a name search: `contains(displayName,'…')` with quotes doubled (OData). */
export function templateSearchFilter(search: string): string {
  return `contains(displayName,${odataString(search)})`;
}

function toListing(template: ApplicationTemplate): TemplateListing {
  return {
    id: template.id,
    displayName: template.displayName ?? null,
    publisher: template.publisher ?? null,
    categories: template.categories ?? [],
    supportsProvisioning: (template.supportedProvisioningTypes ?? []).includes("sync"),
  };
}

/**
 * Lists templates whose display name contains `search` (a template id looks that one up), sorted by
 * name; `--provisioning` keeps those that support provisioning.
 */
export async function runTemplates(
  ctx: CliContext,
  search: string | undefined,
  flags: TemplatesFlags,
): Promise<void> {
  const { api } = await ctx.connect(flags);
  const term = search?.trim();
  let templates: ApplicationTemplate[];
  if (term && GUID.test(term)) {
    templates = [await api.getApplicationTemplate(term)];
  } else {
    templates = await api.listApplicationTemplates(term ? templateSearchFilter(term) : undefined);
  }
  const listings = templates
    .map(toListing)
    .filter((t) => !flags.provisioning || t.supportsProvisioning)
    .sort((a, b) => (a.displayName ?? "").localeCompare(b.displayName ?? "") || a.id.localeCompare(b.id));
  if (flags.json) {
    ctx.stdout(JSON.stringify(listings, null, 2) + "\n");
    return;
  }
  if (listings.length === 0) {
    ctx.stderr(term ? `No template matches ${JSON.stringify(term)}.\n` : "No templates.\n");
    return;
  }
  ctx.stdout(
    formatTable(
      ["ID", "NAME", "PUBLISHER", "PROVISIONING"],
      listings.map((t) => [t.id, t.displayName, t.publisher, t.supportsProvisioning ? "yes" : "no"]),
    ),
  );
}
