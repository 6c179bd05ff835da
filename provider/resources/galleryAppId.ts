/**
 * The GalleryApp resource id: `<applicationObjectId>/<servicePrincipalId>/<appId>`, path-shaped
 * like terraform's composite ids.
 *
 * Why composite: a dynamic provider cannot preview, so in an update preview the engine hands an
 * updated resource's NEW INPUTS back as its outputs (computed outputs become unknown) but always
 * keeps its id. Holding the service principal id in the resource id keeps `servicePrincipalId`
 * known in such a preview, so dependents (jobs, secrets, starts) plan no false replace.
 */

/** The three Graph ids a GalleryApp id is made of (all object or client ids, GUIDs in Graph). */
export interface GalleryAppIdParts {
  /** Object id of the application (`/applications/{id}`). */
  applicationObjectId: string;
  /** Object id of the service principal (`/servicePrincipals/{id}`). */
  servicePrincipalId: string;
  /** Application (client) id. */
  appId: string;
}

const PART_NAMES = ["applicationObjectId", "servicePrincipalId", "appId"] as const;

/** What a GalleryApp id looks like, for error messages. */
const SHAPE = "<applicationObjectId>/<servicePrincipalId>/<appId>";

/**
 * Formats the GalleryApp resource id `<applicationObjectId>/<servicePrincipalId>/<appId>`.
 * Throws naming the part when one is empty or contains "/" (it could not be parsed back).
 */
export function formatGalleryAppId(parts: GalleryAppIdParts): string {
  for (const name of PART_NAMES) {
    const value: unknown = parts[name];
    if (typeof value !== "string" || value === "" || value.includes("/")) {
      throw new Error(
        `Cannot make a GalleryApp id: ${name} must be a non-empty id without "/", got ${JSON.stringify(value)}.`,
      );
    }
  }
  return PART_NAMES.map((name) => parts[name]).join("/");
}

/**
 * Parses a GalleryApp resource id `<applicationObjectId>/<servicePrincipalId>/<appId>`.
 * Throws an Error quoting the id and the expected shape when it is not three non-empty parts.
 */
export function parseGalleryAppId(id: string): GalleryAppIdParts {
  const parts = typeof id === "string" ? id.split("/") : [];
  if (parts.length !== PART_NAMES.length || parts.some((p) => p === "")) {
    throw new Error(
      `Malformed GalleryApp id ${JSON.stringify(id)}: expected ${SHAPE} ` +
        `(three non-empty ids separated by "/"), as GalleryApp's create records it.`,
    );
  }
  const [applicationObjectId, servicePrincipalId, appId] = parts;
  return { applicationObjectId, servicePrincipalId, appId };
}

/** The parts of `id`, or undefined when it is not a GalleryApp id (no error). */
export function tryParseGalleryAppId(id: string): GalleryAppIdParts | undefined {
  try {
    return parseGalleryAppId(id);
  } catch {
    return undefined;
  }
}
