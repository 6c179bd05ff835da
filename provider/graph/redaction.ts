/**
 * Secret redaction shared by the client, its errors and its log lines. Credential values, client
 * secrets and access tokens must never reach a message, stack, JSON form or log line in plain text
 * (design.md §3, §5), so every text that leaves the client goes through {@link redact}.
 */

/** What a redacted value is replaced with. */
export const REDACTED = "[REDACTED]";

/**
 * Values shorter than this are never registered or replaced: replacing one- or two-character
 * strings would shred every message without protecting anything worth protecting.
 */
export const MIN_SECRET_LENGTH = 4;

// Values seen in this process that must never be printed (client secrets, credential values from
// request bodies, access tokens). Process-wide because an error may be printed far from where the
// secret was sent.
const registeredSecrets = new Set<string>();
// The encoded forms of the registered secrets, longest first: built once per registration, not per
// redact() call (every GraphError and retry line is redacted; a fleet registers thousands of values).
let registeredForms: string[] | undefined;

/**
 * True for values not worth treating as secrets, because replacing them would mangle ordinary text:
 * shorter than {@link MIN_SECRET_LENGTH}, `true`/`false`/`null`, or a plain number (setting-like
 * credential values such as `SyncAll: "false"`).
 */
export function isTrivialSecret(value: string): boolean {
  return value.length < MIN_SECRET_LENGTH || /^(true|false|null|-?\d+(\.\d+)?)$/i.test(value.trim());
}

/**
 * Remembers `value` as a secret for the rest of the process, so that {@link redact} removes it from
 * any later text. Ignores `undefined` and trivial values ({@link isTrivialSecret}).
 */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === "string" && !isTrivialSecret(value) && !registeredSecrets.has(value)) {
    registeredSecrets.add(value);
    registeredForms = undefined;
  }
}

// Header- and form-style credentials, whatever the value: `Authorization: Bearer x`,
// `"authorization":"Bearer x"`, `client_secret=x`, `"access_token":"x"`.
const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+/gi, `$1 ${REDACTED}`],
  [/(["']?authorization["']?\s*[:=]\s*["']?)(?!Bearer\b|Basic\b)[^"',\s}]+/gi, `$1${REDACTED}`],
  [
    /\b(client_secret|access_token|refresh_token|id_token|client_assertion|password)=[^&\s"']+/gi,
    `$1=${REDACTED}`,
  ],
  [
    /(["'](?:client_secret|clientSecret|access_token|accessToken|refresh_token|id_token|client_assertion)["']\s*:\s*["'])[^"']*/gi,
    `$1${REDACTED}`,
  ],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every encoded form of `secrets`, longest first, so that a secret containing another is removed whole. */
function formsOf(secrets: Iterable<string>): string[] {
  return [...new Set([...secrets].flatMap(encodedForms))].sort((a, b) => b.length - a.length);
}

/** The forms a secret takes once embedded in JSON, a URL or a form body. */
function encodedForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(encodeURIComponent(secret));
  forms.add(encodeURIComponent(secret).replace(/%20/g, "+"));
  // A JSON string that was itself JSON-encoded (Graph nests error bodies as strings).
  forms.add(JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * Returns `text` with credentials removed: bearer/basic tokens, `Authorization` values,
 * `client_secret=`/`access_token=` form values and JSON properties of those names, every value
 * passed in `secrets`, and every value registered with {@link registerSecret} (also in their
 * JSON-escaped and URL-encoded forms; trivial values excepted). Each is replaced by {@link REDACTED}.
 *
 * @param text - any text; `undefined` gives `""`.
 * @param secrets - extra values to remove from this text only.
 */
export function redact(text: string | undefined, secrets: Iterable<string | undefined> = []): string {
  if (!text) return "";
  let out = text;
  const extra: string[] = [];
  for (const s of secrets) {
    if (typeof s === "string" && !isTrivialSecret(s) && !registeredSecrets.has(s)) extra.push(s);
  }
  registeredForms ??= formsOf(registeredSecrets);
  const forms = extra.length === 0 ? registeredForms : formsOf([...registeredSecrets, ...extra]);
  for (const form of forms) {
    if (out.includes(form)) out = out.replace(new RegExp(escapeRegExp(form), "g"), REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Deep-copies a JSON-like value with every string passed through {@link redact}; properties named
 * like a credential (`authorization`, `clientSecret`/`client_secret`, `password`, `accessToken`)
 * are replaced whole. Values inside `{key, value}` secret pairs are caught by the registered values.
 */
export function redactValue<T>(value: T, secrets: Iterable<string | undefined> = []): T {
  const list = [...secrets];
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 20) return "[…]";
    if (typeof v === "string") return redact(v, list);
    if (Array.isArray(v)) return v.map((item) => walk(item, depth + 1));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) {
        out[k] = /^(authorization|client_?secret|password|access_?token)$/i.test(k)
          ? REDACTED
          : walk(inner, depth + 1);
      }
      return out;
    }
    return v;
  };
  return walk(value, 0) as T;
}
