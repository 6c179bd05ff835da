/**
 * A fake `TokenCredential` that counts its calls and issues numbered tokens with a chosen lifetime
 * (Azurite's simpleTokenCredential model), for tests of token caching.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

export interface CountingTokenCredentialOptions {
  /** Token lifetime in milliseconds. Defaults to one hour. */
  lifetimeMs?: number;
  /** Clock in epoch milliseconds. Defaults to Date.now. */
  now?: () => number;
  /** Resolve each getToken only after this promise (to hold concurrent callers in flight). */
  gate?: Promise<void>;
  /** Token value prefix. Defaults to "fake-token". */
  prefix?: string;
}

export class CountingTokenCredential implements TokenCredential {
  calls = 0;
  readonly scopes: string[] = [];
  constructor(private readonly options: CountingTokenCredentialOptions = {}) {}

  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    this.calls++;
    const n = this.calls;
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    if (this.options.gate) await this.options.gate;
    const now = (this.options.now ?? Date.now)();
    return {
      token: `${this.options.prefix ?? "fake-token"}-${n}`,
      expiresOnTimestamp: now + (this.options.lifetimeMs ?? 3_600_000),
    };
  }
}
