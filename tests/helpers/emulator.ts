/**
 * Test helpers for the Graph emulator: the package's connection to it (`emulatorConnection`,
 * `emulatorStackConfig`), and a plain-HTTPS Graph client that trusts the emulator's caFile, gets
 * client-credentials tokens and returns status, headers and parsed body (no retries, so tests see
 * exactly what the emulator answered).
 */
import * as fs from "fs";
import * as https from "https";
import type { IncomingHttpHeaders } from "http";
import type { EmulatorInfo } from "../../emulator";

export { emulatorConnection, emulatorStackConfig } from "../../testing/emulatorConnection";

/** Where the emulator is and how to sign in (the JSON line it prints, or the handle). */
export type EmulatorEndpoints = EmulatorInfo;

/** One HTTP exchange. */
export interface RawResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  text: string;
}

/** Sends one HTTPS request trusting `ca`; resolves for every status, rejects on a transport error. */
export function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, ca: options.ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = undefined;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A minimal Graph client for emulator tests. */
export class EmulatorTestClient {
  readonly ca: string;
  private token: string | undefined;

  constructor(
    readonly endpoints: EmulatorEndpoints,
    readonly version: "v1.0" | "beta" = "v1.0",
  ) {
    this.ca = fs.readFileSync(endpoints.caFile, "utf8");
  }

  /** POSTs the client-credentials grant; returns the raw token response. */
  requestToken(
    overrides: { tenantId?: string; clientId?: string; clientSecret?: string; scope?: string } = {},
  ): Promise<RawResponse> {
    const e = this.endpoints;
    const form = new URLSearchParams({
      client_id: overrides.clientId ?? e.clientId,
      client_secret: overrides.clientSecret ?? e.clientSecret,
      grant_type: "client_credentials",
      scope: overrides.scope ?? "https://graph.microsoft.com/.default",
    });
    return httpsRequest(`${e.authorityHost}/${overrides.tenantId ?? e.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      ca: this.ca,
    });
  }

  /** A bearer token for the default tenant and client (cached). */
  async accessToken(): Promise<string> {
    if (!this.token) {
      const res = await this.requestToken();
      if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${res.text}`);
      this.token = (res.body as { access_token: string }).access_token;
    }
    return this.token;
  }

  /** Calls Graph: `path` is relative to the version (`/applications`) or a full URL (`@odata.nextLink`). */
  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: { headers?: Record<string, string>; rawBody?: string; token?: string | null } = {},
  ): Promise<RawResponse<T>> {
    const url = /^https:/.test(path) ? path : `${this.endpoints.graphEndpoint}/${this.version}${path}`;
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? await this.accessToken() : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    if (payload !== undefined) headers["Content-Type"] = "application/json";
    return (await httpsRequest(url, { method, headers, body: payload, ca: this.ca })) as RawResponse<T>;
  }
}

/** Resolves after `ms` milliseconds (for waiting out a simulated cycle; never for timing assertions). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` every 25 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(25);
  }
}
