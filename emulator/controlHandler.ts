/**
 * The control API under `/_emulator/` (a path no Graph client uses), mirroring the in-process handle so an
 * emulator started as a separate process can be driven from tests:
 *
 * | method + path | body / query | does |
 * |---|---|---|
 * | GET /_emulator/info | | the start line's JSON plus controlUrl and port |
 * | POST /_emulator/reset | | `reset()` |
 * | GET, PATCH /_emulator/config | EmulatorConfigPatch | `configure()` |
 * | GET, POST, DELETE /_emulator/faults | FaultSpec | list, `injectFault()` (→ `{id}`), `clearFaults()` |
 * | GET, DELETE /_emulator/requests | | `requestLog()`, `clearRequestLog()` |
 * | POST /_emulator/tenants | {tenantId, clientId, clientSecret} | `addTenant()` |
 * | POST /_emulator/assignments | {servicePrincipalId, users?, groups?, failedUsers?, tenantId?} | `assign()` |
 * | POST /_emulator/users | {id?, objectType?, attributes?, servicePrincipalId?, tenantId?} | `upsertUser()` (→ `{id}`) |
 * | GET /_emulator/state | ?tenantId= | `state()` |
 *
 * Bad input answers 400 `{"error":{"code":"BadRequest","message":"<field>: <what is allowed>"}}`.
 */
import type { EmulatorResponse } from "./handlers/baseHandler";
import type { EmulatorServer } from "./server";

/** What the emulator prints on start (one JSON line), plus where to reach it. */
export interface EmulatorInfo {
  graphEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  caFile: string;
}

export class ControlHandler {
  /** Set once the server listens. */
  info: (EmulatorInfo & { controlUrl: string; port: number }) | undefined;

  constructor(private readonly server: EmulatorServer) {}

  handle(method: string, url: URL, raw: string): EmulatorResponse {
    try {
      return this.route(method, url, raw);
    } catch (e) {
      return { status: 400, body: { error: { code: "BadRequest", message: (e as Error).message } } };
    }
  }

  private route(method: string, url: URL, raw: string): EmulatorResponse {
    const path = url.pathname.replace(/\/+$/, "");
    const body = (): Record<string, unknown> => {
      if (raw.trim() === "") return {};
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new Error("body: not valid JSON");
      }
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("body: expected a JSON object");
      return parsed as Record<string, unknown>;
    };
    const s = this.server;
    const key = `${method} ${path}`;
    switch (key) {
      case "GET /_emulator/info":
        return { status: 200, body: this.info };
      case "POST /_emulator/reset":
        s.reset();
        return { status: 204 };
      case "GET /_emulator/config":
        return { status: 200, body: s.config() };
      case "PATCH /_emulator/config":
        return { status: 200, body: s.configure(body()) };
      case "GET /_emulator/faults":
        return { status: 200, body: { value: s.listFaults() } };
      case "POST /_emulator/faults":
        return { status: 201, body: { id: s.injectFault(body() as never) } };
      case "DELETE /_emulator/faults":
        s.clearFaults();
        return { status: 204 };
      case "GET /_emulator/requests":
        return { status: 200, body: { value: s.requestLog() } };
      case "DELETE /_emulator/requests":
        s.clearRequestLog();
        return { status: 204 };
      case "POST /_emulator/tenants":
        s.addTenant(body() as never);
        return { status: 204 };
      case "POST /_emulator/assignments": {
        const b = body();
        if (typeof b.servicePrincipalId !== "string")
          throw new Error("servicePrincipalId: required, the service principal's object id");
        s.assign(b.servicePrincipalId, b as never);
        return { status: 204 };
      }
      case "POST /_emulator/users":
        return { status: 200, body: { id: s.upsertUser(body() as never) } };
      case "GET /_emulator/state":
        return { status: 200, body: s.snapshot(url.searchParams.get("tenantId") ?? undefined) };
      default:
        return {
          status: 404,
          body: {
            error: {
              code: "NotFound",
              message: `No control operation '${key}'. See emulator/README.md for the control API.`,
            },
          },
        };
    }
  }
}
