/**
 * `…/synchronization/secrets`: PUT `{value:[{key,value}]}` (204; `""` clears a key; JSON-valued keys reject
 * `""`; omitted keys stay) and the undocumented GET (secret values masked `*`, settings in clear)
 * (graph-api.md §7).
 */
import { JSON_VALUED_SECRET_NAMES, SYNCHRONIZATION_SECRET_NAMES } from "../model/synchronizationEnums";
import { credentialFacts } from "../credentialRules";
import { EmulatorError, GraphErrors } from "../errors";
import { digestOf, type SecretRecord } from "../store";
import { BaseHandler, type EmulatorResponse, type GraphRequest } from "./baseHandler";

/** Keys GET returns in clear: settings, not secrets (per-key masking is unverified, graph-api.md §14). */
export const CLEAR_TEXT_SECRET_KEYS: readonly string[] = [
  "SyncNotificationSettings",
  "SyncAll",
  "SkipOutOfScopeDeletions",
  "HardDeletesEnabled",
  "PerformInboundEntitlementGrants",
  "EnforceDomain",
  "ValidateDomain",
  "SynchronizationSchedule",
  "SystemOfRecord",
  "Sandbox",
  "SandboxName",
  "AuthenticationType",
  "ApplicationTemplateIdentifier",
];

/**
 * Validates a `[{key, value}]` array (from secrets PUT or validateCredentials): every key a
 * synchronizationSecret name, every value a string. `field` names the array in errors.
 */
export function parseSecretPairs(raw: unknown, field: string): { key: string; value: string }[] {
  if (!Array.isArray(raw))
    throw GraphErrors.badRequest(
      `${field}: must be an array of {"key": "<synchronizationSecret>", "value": "<string>"}.`,
      "BadRequest",
    );
  return raw.map((entry, i) => {
    const e = entry as { key?: unknown; value?: unknown } | null;
    if (!e || typeof e !== "object" || typeof e.key !== "string") {
      throw GraphErrors.badRequest(
        `${field}[${i}].key: required, a synchronizationSecret name such as SecretToken.`,
        "BadRequest",
      );
    }
    const key = SYNCHRONIZATION_SECRET_NAMES.find((n) => n.toLowerCase() === (e.key as string).toLowerCase());
    if (!key || key === "None") {
      throw GraphErrors.badRequest(
        `${field}[${i}].key: requested value '${e.key}' was not found in synchronizationSecret. Allowed: ${SYNCHRONIZATION_SECRET_NAMES.filter((n) => n !== "None").join(", ")}.`,
        "BadRequest",
      );
    }
    if (typeof e.value !== "string")
      throw GraphErrors.badRequest(`${field}[${i}].value: must be a string (key ${key}).`, "BadRequest");
    return { key, value: e.value };
  });
}

function invalidNotificationSettings(key: string): EmulatorError {
  // Graph wraps the connector's own error JSON inside the message (msgraph-metadata #347).
  const inner = JSON.stringify({
    error: {
      code: "InvalidNotificationSettings",
      message: `The value of ${key} is not a valid JSON object.`,
    },
  });
  return new EmulatorError(400, "UnknownError", inner);
}

export class SynchronizationSecretsHandler extends BaseHandler {
  /** PUT …/synchronization/secrets — 204. */
  put = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    const body = this.objectBody(req, '{"value": [{"key": "SecretToken", "value": "…"}]}');
    const pairs = parseSecretPairs(body.value, "value");
    for (const { key, value } of pairs) {
      if ((JSON_VALUED_SECRET_NAMES as readonly string[]).includes(key)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          throw invalidNotificationSettings(key);
        }
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
          throw invalidNotificationSettings(key);
      }
    }
    // Validated as a whole first, so a rejected PUT changes nothing.
    for (const { key, value } of pairs) {
      const index = sp.secrets.findIndex((s) => s.key === key);
      if (value === "") {
        if (index >= 0) sp.secrets.splice(index, 1);
        continue;
      }
      const facts = credentialFacts(key, value);
      const record: SecretRecord = {
        key,
        clearValue: CLEAR_TEXT_SECRET_KEYS.includes(key) ? value : null,
        digest: digestOf(value),
        hasInvalidMarker: facts.hasInvalidMarker,
        isHttpsUrl: facts.isHttpsUrl,
      };
      if (index >= 0) sp.secrets[index] = record;
      else sp.secrets.push(record);
    }
    this.commit();
    return this.noContent();
  };

  /** GET …/synchronization/secrets — 200, secret values as `*`. */
  get = (req: GraphRequest, params: Record<string, string>): EmulatorResponse => {
    const sp = this.servicePrincipal(req, params);
    return this.ok({
      "@odata.context": this.contextUrl(
        req,
        `servicePrincipals('${String(sp.resource.id)}')/synchronization/secrets`,
      ),
      value: sp.secrets.map((s) => ({ key: s.key, value: s.clearValue ?? "*" })),
    });
  };
}
