/**
 * What every Graph handler shares (Azurite's `BaseHandler`): the request/response models, access to the
 * store and settings, object lookup with replication delay, OData context URLs, `$select` and paging.
 */
import type {
  EmulatorStore,
  JobRecord,
  ServicePrincipalRecord,
  TenantState,
  ApplicationRecord,
} from "../store";
import { GraphErrors } from "../errors";
import { advanceJob } from "../syncCycle";
import type { Throttler } from "../throttling";

/** A parsed Graph request, after authentication. */
export interface GraphRequest {
  method: string;
  /** Decoded path below the version segment, e.g. `/servicePrincipals/{id}/synchronization/jobs`. */
  path: string;
  /** Path below the version as received (still percent-encoded), for building `@odata.nextLink`. */
  rawPath: string;
  version: "v1.0" | "beta";
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  /** `https://host:port/v1.0` as the client addressed it. */
  baseUrl: string;
  tenant: TenantState;
  clientId: string;
}

/** A response a handler returns; the server adds request-id and the other standard headers. */
export interface EmulatorResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Mutable runtime settings (changed through `configure`). */
export interface EmulatorSettings {
  /** ms after creation during which an object and its sub-resources answer 404. */
  replicationDelayMs: number;
  /** ms from start (or the previous cycle) to the end of a simulated cycle. */
  cycleTimeMs: number;
  /** ms added before every Graph and token request is handled. */
  latencyMs: number;
  /** Lifetime of issued tokens, in seconds. */
  tokenLifetimeSeconds: number;
  /** Simulated assignments given to every new service principal. */
  defaultAssignments: { users: number; groups: number };
}

/** Everything a handler needs. */
export interface HandlerContext {
  store: EmulatorStore;
  settings: EmulatorSettings;
  throttler: Throttler;
}

/** Handler method signature; `params` holds the route's named groups. */
export type RouteHandler = (req: GraphRequest, params: Record<string, string>) => EmulatorResponse;

export abstract class BaseHandler {
  constructor(protected readonly ctx: HandlerContext) {}

  protected now(): number {
    return Date.now();
  }

  /** True once an object's replication delay has passed. */
  protected replicated(record: { createdMs: number }): boolean {
    return record.createdMs + this.ctx.settings.replicationDelayMs <= this.now();
  }

  protected commit(): void {
    this.ctx.store.commit();
  }

  protected contextUrl(req: GraphRequest, fragment: string): string {
    return `${req.baseUrl}/$metadata#${fragment}`;
  }

  protected ok(body: unknown, status = 200): EmulatorResponse {
    return { status, body };
  }

  protected noContent(): EmulatorResponse {
    return { status: 204 };
  }

  /** The request body as an object; 400 naming what is expected otherwise. */
  protected objectBody(req: GraphRequest, expected: string): Record<string, unknown> {
    if (
      req.body === undefined ||
      req.body === null ||
      typeof req.body !== "object" ||
      Array.isArray(req.body)
    ) {
      throw GraphErrors.badRequest(`The request body must be a JSON object: ${expected}.`, "BadRequest");
    }
    return req.body as Record<string, unknown>;
  }

  /** A live, replicated application by object id or `(appId='…')`; 404 otherwise. */
  protected application(req: GraphRequest, params: Record<string, string>): ApplicationRecord {
    const ref = params.appId ?? params.appAppId;
    const record = params.appId
      ? req.tenant.applications[params.appId.toLowerCase()]
      : Object.values(req.tenant.applications).find(
          (a) => a.deletedMs === null && a.resource.appId === params.appAppId?.toLowerCase(),
        );
    if (!record || record.deletedMs !== null || !this.replicated(record)) throw GraphErrors.notFound(ref);
    return record;
  }

  /** A live, replicated service principal by object id or `(appId='…')`; 404 otherwise. */
  protected servicePrincipal(req: GraphRequest, params: Record<string, string>): ServicePrincipalRecord {
    const ref = params.spId ?? params.spAppId;
    const record = params.spId
      ? req.tenant.servicePrincipals[params.spId.toLowerCase()]
      : Object.values(req.tenant.servicePrincipals).find(
          (s) => s.deletedMs === null && s.resource.appId === params.spAppId?.toLowerCase(),
        );
    if (!record || record.deletedMs !== null || !this.replicated(record)) throw GraphErrors.notFound(ref);
    return record;
  }

  /** A replicated job of a service principal, advanced to now; 404 otherwise. */
  protected job(req: GraphRequest, sp: ServicePrincipalRecord, jobId: string): JobRecord {
    const record = Object.values(sp.jobs).find((j) => j.job.id.toLowerCase() === jobId.toLowerCase());
    if (!record || !this.replicated(record)) throw GraphErrors.notFound(jobId);
    if (advanceJob(req.tenant, sp, record, this.now(), this.ctx.settings.cycleTimeMs)) this.commit();
    return record;
  }

  /** Applies `$select` (comma-separated property names) to one object. */
  protected select<T>(req: GraphRequest, item: T): T {
    const select = req.query.get("$select");
    if (!select) return item;
    const names = select
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const source = item as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const name of names) if (name in source) out[name] = source[name];
    return out as T;
  }

  /**
   * One page of a collection: `$top` (page size; default `defaultTop`, at most `maxTop`) and the opaque
   * `$skiptoken` of `@odata.nextLink`, which repeats every other query parameter.
   */
  protected page<T>(
    req: GraphRequest,
    items: T[],
    contextFragment: string,
    defaultTop: number,
    maxTop: number,
  ): EmulatorResponse {
    const topText = req.query.get("$top");
    const top = topText === null ? defaultTop : Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > maxTop) {
      throw GraphErrors.badRequest(
        `Invalid $top value '${topText}': must be an integer between 1 and ${maxTop}.`,
        "BadRequest",
      );
    }
    let offset = 0;
    const token = req.query.get("$skiptoken");
    if (token !== null) {
      try {
        offset = (JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset: number }).offset;
      } catch {
        offset = NaN;
      }
      if (!Number.isInteger(offset) || offset < 0)
        throw GraphErrors.badRequest("Invalid $skiptoken.", "BadRequest");
    }
    const slice = items.slice(offset, offset + top).map((i) => this.select(req, i));
    const body: Record<string, unknown> = {
      "@odata.context": this.contextUrl(req, contextFragment),
      value: slice,
    };
    if (offset + top < items.length) {
      const next = new URLSearchParams(req.query);
      next.set("$skiptoken", Buffer.from(JSON.stringify({ offset: offset + top })).toString("base64url"));
      // Graph writes system query options with a literal `$` ($top, $skiptoken), as clients expect.
      body["@odata.nextLink"] = `${req.baseUrl}${req.rawPath}?${next.toString().replace(/(^|&)%24/g, "$1$")}`;
    }
    return { status: 200, body };
  }
}
