import type * as pulumi from "@pulumi/pulumi";
import { odataString } from "../graph/graphClient";
import type { Application, ApplicationServicePrincipal, GraphApi } from "../graph/types";
import type { ConnectionSettings } from "./connectionArgs";
import { formatGalleryAppId, parseGalleryAppId } from "./galleryAppId";
import { failure, isNotFound, mayHaveBeenApplied, messageOf } from "./graphFailures";
import { changedProperties, nullForUndefined } from "./propertyDiff";
import type { ProviderDeps } from "./providerDeps";
import { lookUpWhileReplicating, ReplicationTimeoutError, retryWhileReplicating } from "./replication";
import {
  bool,
  checkInputs,
  connection,
  connectionFields,
  exactlyOneOf,
  guid,
  type InputSpec,
  text,
} from "./validation";

/** Plain inputs of GalleryApp as the provider receives them (after check). */
export interface GalleryAppInputs {
  displayName: string;
  templateId?: string | null;
  templateDisplayName?: string | null;
  permanentDelete?: boolean;
  adoptExisting?: boolean;
  connection?: ConnectionSettings | null;
}

/**
 * Outputs of GalleryApp (every input, with `templateId` resolved). Resource id =
 * `<applicationObjectId>/<servicePrincipalId>/<appId>` (see galleryAppId.ts: it keeps the ids
 * known in an update preview).
 */
export interface GalleryAppOutputs {
  applicationObjectId: string;
  appId: string;
  servicePrincipalId: string;
  templateId: string;
  templateDisplayName: string | null;
  displayName: string;
  permanentDelete: boolean;
  adoptExisting: boolean;
  connection: ConnectionSettings | null;
}

/** Input table of GalleryApp (design.md §3). */
export const GALLERY_APP_SPEC: InputSpec = {
  fields: [
    { name: "displayName", required: true, rule: text(1, 256), expects: "a string of 1 to 256 characters" },
    { name: "templateId", rule: guid, expects: "an application template GUID" },
    {
      name: "templateDisplayName",
      rule: text(1, 256),
      expects: "an application template's exact displayName",
    },
    { name: "permanentDelete", default: false, rule: bool, expects: "true or false" },
    { name: "adoptExisting", default: false, rule: bool, expects: "true or false" },
    { name: "connection", rule: connection, expects: "a connection object" },
  ],
  cross: [exactlyOneOf(["templateId", "templateDisplayName"]), connectionFields],
};

/** How far back, in ms, an application's createdDateTime may read and still count as ours (clock skew). */
const CLOCK_SKEW_MS = 60_000;

/** Builds the GalleryApp provider over `deps`. */
export function createGalleryAppProvider(deps: ProviderDeps): pulumi.dynamic.ResourceProvider {
  return {
    async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
      return checkInputs(GALLERY_APP_SPEC, news);
    },

    async diff(_id: string, olds: GalleryAppOutputs, news: GalleryAppInputs) {
      const replaces: string[] = [];
      // templateId in the outputs is the resolved id: compare it only when the input names one, and
      // a templateDisplayName only against the one it was resolved from (no Graph call in diff).
      if (news.templateId !== undefined && news.templateId !== null) {
        replaces.push(...changedProperties(olds, news, ["templateId"]));
      } else {
        replaces.push(...changedProperties(olds, news, ["templateDisplayName"]));
      }
      const updates = changedProperties(olds, news, [
        "displayName",
        "permanentDelete",
        "adoptExisting",
        "connection",
        "templateDisplayName",
        "templateId",
      ]).filter((p) => p !== "templateId" || (news.templateId !== undefined && news.templateId !== null));
      return { changes: replaces.length > 0 || updates.length > 0, replaces };
    },

    async create(inputs: GalleryAppInputs) {
      const client = deps.clientFor(inputs.connection);
      const templateId =
        inputs.templateId ?? (await resolveTemplateByName(client, inputs.templateDisplayName ?? ""));
      // An adopted application already existed and its SP was just read: no wait, and never a rollback.
      const adopted = inputs.adoptExisting
        ? await adoptExisting(client, templateId, inputs.displayName)
        : undefined;
      const made =
        adopted ?? (await instantiateOnce(client, inputs.connection, templateId, inputs.displayName));
      const app = made.application;
      const sp = made.servicePrincipal;
      if (adopted === undefined) {
        try {
          await retryWhileReplicating(
            deps,
            inputs.connection,
            `Service principal ${sp.id} of application ${app.id}`,
            () => client.getServicePrincipal(sp.id),
          );
        } catch (error) {
          throw await rollBack(client, inputs.connection, app.id, error);
        }
      }
      const outs: GalleryAppOutputs = {
        applicationObjectId: app.id,
        appId: app.appId,
        servicePrincipalId: sp.id,
        templateId,
        templateDisplayName: inputs.templateDisplayName ?? null,
        displayName: inputs.displayName,
        permanentDelete: inputs.permanentDelete ?? false,
        adoptExisting: inputs.adoptExisting ?? false,
        connection: inputs.connection ?? null,
      };
      return {
        id: formatGalleryAppId({ applicationObjectId: app.id, servicePrincipalId: sp.id, appId: app.appId }),
        outs,
      };
    },

    async read(id: string, props?: GalleryAppOutputs) {
      const ids = parseGalleryAppId(id);
      const client = deps.clientFor(props?.connection);
      let app: Application;
      try {
        app = await client.getApplication(ids.applicationObjectId);
      } catch (error) {
        if (isNotFound(error)) return { id: "", props: {} };
        throw failure(`Reading application ${ids.applicationObjectId}`, error);
      }
      const outs: GalleryAppOutputs = {
        applicationObjectId: app.id,
        appId: app.appId,
        servicePrincipalId: ids.servicePrincipalId,
        templateId: app.applicationTemplateId ?? props?.templateId ?? "",
        templateDisplayName: props?.templateDisplayName ?? null,
        displayName: app.displayName ?? "",
        permanentDelete: props?.permanentDelete ?? false,
        adoptExisting: props?.adoptExisting ?? false,
        connection: props?.connection ?? null,
      };
      return { id, props: outs };
    },

    async update(id: string, olds: GalleryAppOutputs, news: GalleryAppInputs) {
      const ids = parseGalleryAppId(id);
      const client = deps.clientFor(news.connection);
      if (news.displayName !== olds.displayName) {
        // The SP copies some app properties only eventually, so both are renamed explicitly.
        try {
          await client.updateApplication(ids.applicationObjectId, { displayName: news.displayName });
          await client.updateServicePrincipal(ids.servicePrincipalId, { displayName: news.displayName });
        } catch (error) {
          throw failure(`Renaming application ${ids.applicationObjectId} to "${news.displayName}"`, error);
        }
      }
      const outs: GalleryAppOutputs = {
        ...olds,
        templateId: news.templateId ?? olds.templateId,
        templateDisplayName: news.templateDisplayName ?? null,
        displayName: news.displayName,
        permanentDelete: news.permanentDelete ?? false,
        adoptExisting: news.adoptExisting ?? false,
        connection: news.connection ?? null,
      };
      return { outs: nullForUndefined({ ...outs }) };
    },

    async delete(id: string, props: GalleryAppOutputs) {
      const appObjectId = parseGalleryAppId(id).applicationObjectId;
      const client = deps.clientFor(props.connection);
      let existed = true;
      try {
        // Takes the service principal, its jobs and secrets with it.
        await client.deleteApplication(appObjectId);
      } catch (error) {
        if (!isNotFound(error)) throw failure(`Deleting application ${appObjectId}`, error);
        existed = false;
      }
      if (!props.permanentDelete) return;
      const purge = (): Promise<void> => client.permanentlyDeleteDirectoryObject(appObjectId);
      try {
        // Just deleted: the deleted item may not be readable yet, so a 404 is replication.
        if (existed) {
          await retryWhileReplicating(deps, props.connection, `Deleted application ${appObjectId}`, purge);
        } else {
          await purge();
        }
      } catch (error) {
        if (!isNotFound(error) || existed) throw failure(`Purging deleted application ${appObjectId}`, error);
      }
    },
  };

  /**
   * `adoptExisting`: the one application with this displayName and template becomes this resource
   * (Pulumi cannot import dynamic resources). None ⇒ undefined (instantiate as usual); several ⇒ an
   * error naming them, since picking one would be a guess.
   */
  async function adoptExisting(
    client: GraphApi,
    templateId: string,
    displayName: string,
  ): Promise<ApplicationServicePrincipal | undefined> {
    const what = `Adopting the application "${displayName}" made from template ${templateId}`;
    let apps: Application[];
    try {
      apps = await client.listApplicationsByNameAndTemplate(displayName, templateId);
    } catch (error) {
      throw failure(what, error);
    }
    if (apps.length === 0) return undefined;
    if (apps.length > 1) {
      throw new Error(
        `${what}: ${apps.length} applications match (${apps.map((a) => `${a.id} (appId ${a.appId})`).join(", ")}). ` +
          `Rename all but one in the tenant, or give this resource another displayName.`,
      );
    }
    if (client.getServicePrincipalByAppId === undefined) {
      throw new Error(`${what}: this Graph client cannot look up a service principal by appId.`);
    }
    try {
      const sp = await client.getServicePrincipalByAppId(apps[0].appId);
      return { application: apps[0], servicePrincipal: sp };
    } catch (error) {
      throw failure(`${what}: reading its service principal (appId ${apps[0].appId})`, error);
    }
  }

  /**
   * Instantiates the template once. When the response is lost (timeout, connection reset, 5xx: the
   * POST may have been applied), it looks for an application with this displayName and template
   * created since the request began: one ⇒ adopt it, several ⇒ fail naming them, none ⇒ instantiate
   * once more. A new application stays out of Graph's lists until it has replicated, so "none" is
   * concluded only after looking, with backoff, for the connection's `replicationTimeoutSeconds`
   * (default 120 s); a lost instantiate that truly made nothing therefore costs that long.
   */
  async function instantiateOnce(
    client: GraphApi,
    conn: ConnectionSettings | null | undefined,
    templateId: string,
    displayName: string,
  ): Promise<ApplicationServicePrincipal> {
    const began = deps.now();
    try {
      return await client.instantiateApplicationTemplate(templateId, displayName);
    } catch (error) {
      if (!mayHaveBeenApplied(error)) {
        throw failure(`Instantiating application template ${templateId} as "${displayName}"`, error);
      }
      const ours = await findOurs(client, conn, templateId, displayName, began, error);
      if (ours.length > 1) {
        const names = ours.map((a) => `${a.id} (appId ${a.appId}, created ${a.createdDateTime})`).join(", ");
        throw new Error(
          `Instantiating application template ${templateId} as "${displayName}" lost its response ` +
            `(${messageOf(error)}), and ${ours.length} applications with that name and template were created ` +
            `since: ${names}. Delete the extra ones, then run again.`,
        );
      }
      if (ours.length === 1) {
        const adopted = await adopt(client, conn, ours[0]);
        if (adopted !== undefined) return adopted;
      }
      try {
        return await client.instantiateApplicationTemplate(templateId, displayName);
      } catch (again) {
        throw failure(
          `Instantiating application template ${templateId} as "${displayName}" (second attempt)`,
          again,
        );
      }
    }
  }

  /**
   * Applications with this displayName and template created since `began` (epoch ms, less
   * {@link CLOCK_SKEW_MS}), looked for until one shows up or the replication window ends (then `[]`).
   * The createdDateTime filter keeps holding while we wait: Graph stamps the creation time, not the
   * time the object became visible, and a request applied late (after the client gave up) is stamped
   * later still; what it leaves out is an older namesake, which this request did not make.
   */
  async function findOurs(
    client: GraphApi,
    conn: ConnectionSettings | null | undefined,
    templateId: string,
    displayName: string,
    began: number,
    lost: unknown,
  ): Promise<Application[]> {
    try {
      return await lookUpWhileReplicating(deps, conn, async () => {
        const apps = await client.listApplicationsByNameAndTemplate(displayName, templateId);
        return apps.filter((a) => {
          const created = a.createdDateTime ? Date.parse(a.createdDateTime) : NaN;
          return Number.isFinite(created) && created >= began - CLOCK_SKEW_MS;
        });
      });
    } catch (error) {
      throw new Error(
        `Instantiating application template ${templateId} as "${displayName}" lost its response (${messageOf(lost)}), ` +
          `and looking for the application it may have made failed: ${messageOf(error)}. ` +
          `Check the tenant for an application "${displayName}" before running again.`,
        { cause: error },
      );
    }
  }

  /**
   * Adopts `app`, or, when the client cannot find its SP by appId, deletes it (it is ours) and returns
   * undefined. `app` was made by our lost request, so when its SP cannot be read it is deleted too.
   */
  async function adopt(
    client: GraphApi,
    conn: ConnectionSettings | null | undefined,
    app: Application,
  ): Promise<ApplicationServicePrincipal | undefined> {
    if (client.getServicePrincipalByAppId !== undefined) {
      try {
        const sp = await retryWhileReplicating(deps, conn, `Service principal of application ${app.id}`, () =>
          client.getServicePrincipalByAppId!(app.appId),
        );
        return { application: app, servicePrincipal: sp };
      } catch (error) {
        throw await rollBack(client, conn, app.id, error);
      }
    }
    try {
      await client.deleteApplication(app.id);
    } catch (error) {
      if (!isNotFound(error))
        throw failure(`Removing application ${app.id} made by a lost instantiate`, error);
    }
    return undefined;
  }

  /** Deletes a half-made application and returns the error to throw, saying whether the cleanup worked. */
  async function rollBack(
    client: GraphApi,
    conn: ConnectionSettings | null | undefined,
    applicationObjectId: string,
    cause: unknown,
  ): Promise<Error> {
    try {
      // Made moments ago: a 404 may be replication rather than "already gone".
      await retryWhileReplicating(deps, conn, `Application ${applicationObjectId}`, () =>
        client.deleteApplication(applicationObjectId),
      );
    } catch (error) {
      if (!(error instanceof ReplicationTimeoutError)) {
        return new Error(
          `Creating the gallery application failed after it was instantiated (${messageOf(cause)}), and deleting ` +
            `application ${applicationObjectId} also failed (${messageOf(error)}): delete it by hand.`,
          { cause },
        );
      }
    }
    return new Error(
      `Creating the gallery application failed after it was instantiated: ${messageOf(cause)}. ` +
        `Application ${applicationObjectId} was deleted again, so nothing was left behind.`,
      { cause },
    );
  }
}

/**
 * Finds the one application template whose displayName is exactly `name`. None or several ⇒ an
 * error listing candidates (for none: templates whose name contains it).
 */
export async function resolveTemplateByName(client: GraphApi, name: string): Promise<string> {
  let found;
  try {
    found = await client.listApplicationTemplates(`displayName eq ${odataString(name)}`);
  } catch (error) {
    throw failure(`Looking up the application template named "${name}"`, error);
  }
  const exact = found.filter((t) => t.displayName === name);
  if (exact.length === 1) return exact[0].id;
  if (exact.length > 1) {
    const list = exact.map((t) => `${t.id} (${t.publisher ?? "unknown publisher"})`).join(", ");
    throw new Error(
      `templateDisplayName "${name}" matches ${exact.length} application templates: ${list}. Set templateId to one of them instead.`,
    );
  }
  let similar: string[] = [];
  try {
    const near = await client.listApplicationTemplates(`contains(displayName,${odataString(name)})`);
    similar = near.slice(0, 10).map((t) => `"${t.displayName}" (${t.id})`);
  } catch {
    // Candidates are a courtesy; the main error below is what matters.
  }
  throw new Error(
    `templateDisplayName "${name}" matches no application template exactly.` +
      (similar.length > 0 ? ` Templates with similar names: ${similar.join(", ")}.` : "") +
      ` Use the exact displayName, or set templateId (list templates with: graph-provisioning templates "${name}").`,
  );
}
