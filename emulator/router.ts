/**
 * Route table for the Graph side: method + path regular expression (named groups become parameters).
 * Segments may contain dots (job ids), and bound actions may carry the `microsoft.graph.` prefix.
 */
import { GraphErrors } from "./errors";
import type { EmulatorResponse, GraphRequest, RouteHandler } from "./handlers/baseHandler";

/** Path fragment matching `/servicePrincipals/{id}` or `/servicePrincipals(appId='…')`. */
export const SP = "/servicePrincipals(?:/(?<spId>[^/()]+)|\\(appId='(?<spAppId>[^']+)'\\))";
/** Path fragment matching `/applications/{id}` or `/applications(appId='…')`. */
export const APP = "/applications(?:/(?<appId>[^/()]+)|\\(appId='(?<appAppId>[^']+)'\\))";
/** Path fragment of a bound action name, with the optional namespace prefix. */
export const action = (name: string): string => `/(?:microsoft\\.graph\\.)?${name}`;

interface Route {
  method: string;
  pattern: RegExp;
  handler: RouteHandler;
}

/** Dispatches Graph requests to handler methods; 404 for unknown paths, 405 for a known path and wrong method. */
export class GraphRouter {
  private readonly routes: Route[] = [];

  /** Registers `handler` for `method` on a path pattern (anchored for you). */
  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, pattern: new RegExp(`^${pattern}/?$`, "i"), handler });
    return this;
  }

  dispatch(req: GraphRequest): EmulatorResponse {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) if (v !== undefined) params[k] = v;
      return route.handler(req, params);
    }
    if (pathMatched) throw GraphErrors.methodNotAllowed(req.method);
    const segments = req.path.split("/").filter(Boolean);
    throw GraphErrors.routeNotFound(segments[segments.length - 1] ?? "");
  }
}
