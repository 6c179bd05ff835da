/**
 * Access tokens the emulator issues: HMAC-SHA256 JWTs carrying the tenant, client, audience and expiry.
 * The key lives in the data directory, so any emulator process sharing that directory (file-state mode,
 * restarts) accepts tokens another one issued.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Claims the emulator reads back from a token. */
export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  /** Expiry, seconds since epoch. */
  exp: number;
  tid: string;
  appid: string;
  idtyp: "app";
  roles: string[];
  oid: string;
  sub: string;
  uti: string;
  ver: "1.0";
}

/** Audiences Graph accepts: its URL or its well-known application id. */
export const GRAPH_AUDIENCES = ["https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000"];

/** Application permissions written into every token (what the package's docs ask to grant). */
const ROLES = [
  "Application.ReadWrite.OwnedBy",
  "Synchronization.ReadWrite.All",
  "AuditLog.Read.All",
  "Directory.Read.All",
];

const b64url = (data: Buffer | string): string => Buffer.from(data).toString("base64url");

/** Why a token was refused, phrased like Graph's InvalidAuthenticationToken messages. */
export class TokenRejection extends Error {
  override readonly name = "TokenRejection";
}

/** Signs and verifies emulator tokens with a key kept in `dataDir/token-signing.key`. */
export class TokenService {
  private readonly key: Buffer;

  constructor(dataDir: string) {
    const file = path.join(dataDir, "token-signing.key");
    if (!fs.existsSync(file)) {
      const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
      fs.writeFileSync(temp, randomBytes(32).toString("hex"), { mode: 0o600 });
      try {
        fs.linkSync(temp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      } finally {
        fs.rmSync(temp, { force: true });
      }
    }
    this.key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
  }

  /** Issues a token for `clientId` in `tenantId`, valid `lifetimeSeconds`. */
  issue(tenantId: string, clientId: string, audience: string, lifetimeSeconds: number): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      tid: tenantId,
      appid: clientId,
      idtyp: "app",
      roles: ROLES,
      oid: clientId,
      sub: clientId,
      uti: b64url(randomBytes(16)),
      ver: "1.0",
    };
    const head = `${b64url(JSON.stringify({ typ: "JWT", alg: "HS256" }))}.${b64url(JSON.stringify(claims))}`;
    return `${head}.${this.sign(head)}`;
  }

  /**
   * Returns the claims of a valid token; throws `TokenRejection` otherwise. `extraAudiences` adds accepted
   * audiences besides Graph's own (the emulator accepts its own origin, for clients that derive the scope
   * from their Graph endpoint).
   */
  verify(token: string, extraAudiences: string[] = []): TokenClaims {
    const parts = token.split(".");
    if (parts.length !== 3)
      throw new TokenRejection("IDX14100: JWT is not well formed, there are no dots (.).");
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const actual = Buffer.from(parts[2]);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new TokenRejection("Access token validation failure. Invalid signature.");
    }
    const claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as TokenClaims;
    if (!GRAPH_AUDIENCES.includes(claims.aud) && !extraAudiences.includes(claims.aud)) {
      throw new TokenRejection("Access token validation failure. Invalid audience.");
    }
    if (claims.exp <= Math.floor(Date.now() / 1000)) {
      throw new TokenRejection("Lifetime validation failed, the token is expired.");
    }
    return claims;
  }

  private sign(data: string): string {
    return createHmac("sha256", this.key).update(data).digest("base64url");
  }
}
