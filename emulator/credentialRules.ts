/**
 * How the emulator judges synchronization credentials — in validateCredentials, and when a simulated cycle
 * runs with the saved secrets (bad ones quarantine the job). The documented way to make validation fail:
 * any credential value containing `invalid` (any case). Graph's real failure body is undocumented
 * (graph-api.md §6, §14); the emulator answers 400 `BadRequest` with inner code `CredentialValidationFailed`.
 */
import type { ConnectorProfile } from "./catalog";

/** Substring (case-insensitive) that makes a credential value fail validation. */
export const INVALID_CREDENTIAL_MARKER = "invalid";

/** What the emulator knows about one credential, with no need to keep its value. */
export interface CredentialFacts {
  key: string;
  hasInvalidMarker: boolean;
  isHttpsUrl: boolean;
}

/** Facts about one plain credential value. */
export function credentialFacts(key: string, value: string): CredentialFacts {
  let isHttpsUrl = false;
  try {
    isHttpsUrl = new URL(value).protocol === "https:";
  } catch {
    isHttpsUrl = false;
  }
  return { key, hasInvalidMarker: value.toLowerCase().includes(INVALID_CREDENTIAL_MARKER), isHttpsUrl };
}

/**
 * The reason these credentials would be refused by the connector, or null when they pass. Never includes a
 * value: only key names.
 */
export function credentialProblem(profile: ConnectorProfile, facts: CredentialFacts[]): string | null {
  const keys = new Set(facts.map((f) => f.key));
  const missing = profile.requiredKeys.filter((k) => !keys.has(k));
  if (missing.length > 0) {
    return `The ${profile.factoryTag} connector requires ${profile.requiredKeys.join(" and ")}; missing: ${missing.join(", ")}.`;
  }
  for (const key of profile.httpsUrlKeys) {
    const fact = facts.find((f) => f.key === key);
    if (fact && !fact.isHttpsUrl) return `${key} must be an absolute https URL.`;
  }
  const rejected = facts.filter((f) => f.hasInvalidMarker).map((f) => f.key);
  if (rejected.length > 0) {
    return `${profile.targetSystem} rejected the credentials (${rejected.join(", ")}): authentication failed. (Emulator: values containing "${INVALID_CREDENTIAL_MARKER}" always fail.)`;
  }
  return null;
}
