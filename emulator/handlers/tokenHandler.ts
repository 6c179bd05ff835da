/**
 * The Entra side: OpenID metadata `/{tenant}/v2.0/.well-known/openid-configuration`, the client-credentials
 * grant at `/{tenant}/oauth2/v2.0/token`, and an empty JWKS (tokens are HMAC-signed, verified only by the
 * emulator). What MSAL asks for is in graph-api.md §12.
 */
import { TokenErrors } from "../errors";
import type { EmulatorStore } from "../store";
import { digestOf } from "../store";
import type { TokenService } from "../tokens";
import type { EmulatorResponse, EmulatorSettings } from "./baseHandler";

/** A request to the token side. */
export interface TokenRequest {
  method: string;
  path: string;
  /** `https://host:port` as the client addressed it. */
  authority: string;
  /** Form fields of a POST body. */
  form: URLSearchParams;
  authorization: string | undefined;
}

const OPENID = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;
const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;
const KEYS = /^\/([^/]+)\/discovery\/v2\.0\/keys$/i;

/** True when the path belongs to the token side. */
export function isTokenPath(path: string): boolean {
  return OPENID.test(path) || TOKEN.test(path) || KEYS.test(path);
}

export class TokenHandler {
  constructor(
    private readonly store: EmulatorStore,
    private readonly tokens: TokenService,
    private readonly settings: EmulatorSettings,
  ) {}

  /** Handles a token-side request; throws `TokenEndpointError` for AADSTS failures. Undefined if not a token path. */
  handle(req: TokenRequest): EmulatorResponse | undefined {
    let m = OPENID.exec(req.path);
    if (m && req.method === "GET") return this.openIdConfiguration(req, m[1]);
    m = KEYS.exec(req.path);
    if (m && req.method === "GET") return { status: 200, body: { keys: [] } };
    m = TOKEN.exec(req.path);
    if (m && req.method === "POST") return this.token(req, m[1]);
    return undefined;
  }

  /** The tenant a path segment names; the emulator knows tenants by id only. */
  private tenantId(segment: string): string {
    const tenant = this.store.tenant(segment);
    if (!tenant) throw TokenErrors.tenantNotFound(segment);
    return tenant.tenantId;
  }

  private openIdConfiguration(req: TokenRequest, segment: string): EmulatorResponse {
    const tid = this.tenantId(segment);
    const base = `${req.authority}/${tid}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
        subject_types_supported: ["pairwise"],
        id_token_signing_alg_values_supported: ["RS256"],
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        scopes_supported: ["openid", "profile", "email", "offline_access"],
        issuer: `${base}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ["sub", "iss", "aud", "exp", "iat", "tid", "ver", "oid"],
        tenant_region_scope: "NA",
        cloud_instance_name: "microsoftonline.com",
        cloud_graph_host_name: "graph.windows.net",
        msgraph_host: "graph.microsoft.com",
        rbac_url: "https://pas.windows.net",
      },
    };
  }

  private token(req: TokenRequest, segment: string): EmulatorResponse {
    const tid = this.tenantId(segment);
    const form = req.form;
    let clientId = form.get("client_id") ?? undefined;
    let clientSecret = form.get("client_secret") ?? undefined;
    if (req.authorization?.startsWith("Basic ")) {
      // client_secret_basic: "id:secret", each part form-urlencoded (RFC 6749 §2.3.1).
      const decoded = Buffer.from(req.authorization.slice(6), "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        clientSecret = decodeURIComponent(decoded.slice(colon + 1));
      }
    }
    const grant = form.get("grant_type");
    if (!grant) throw TokenErrors.missingParameter("grant_type");
    if (grant !== "client_credentials") throw TokenErrors.unsupportedGrant(grant);
    if (!clientId) throw TokenErrors.missingParameter("client_id");
    const scope = form.get("scope");
    if (!scope) throw TokenErrors.missingParameter("scope");
    const resourceScope = scope.split(" ").find((s) => s.endsWith("/.default"));
    if (!resourceScope) throw TokenErrors.invalidScope(scope);
    const tenant = this.store.tenant(tid);
    const client = tenant?.clients.find((c) => c.clientId === clientId?.toLowerCase());
    if (!client) throw TokenErrors.clientNotFound(clientId, tid);
    if (!clientSecret) throw TokenErrors.missingParameter("client_assertion' or 'client_secret");
    if (digestOf(clientSecret) !== client.secretDigest) throw TokenErrors.invalidSecret(clientId);
    const lifetime = this.settings.tokenLifetimeSeconds;
    const audience = resourceScope.slice(0, -"/.default".length);
    return {
      status: 200,
      body: {
        token_type: "Bearer",
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: this.tokens.issue(tid, client.clientId, audience, lifetime),
      },
    };
  }
}
