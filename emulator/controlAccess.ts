/**
 * Who may use the control API (`/_emulator/…`: reset, fault injection, `info` with the client secret).
 * Callers on the loopback interface are trusted (unless `trustLoopback` is off, e.g. behind a local reverse
 * proxy, where every request arrives from loopback); any other caller must present the emulator's client
 * secret in {@link CONTROL_SECRET_HEADER}. With `--host 0.0.0.0` this keeps the network out (issue 10 item 8).
 */
import { createHash, timingSafeEqual } from "crypto";
import { isIP } from "net";

/** Header carrying the emulator's client secret on control calls (`connectEmulator` sends it). */
export const CONTROL_SECRET_HEADER = "x-emulator-client-secret";

/** Who may call the control API. */
export interface ControlAccessPolicy {
  /** The emulator's client secret (the default tenant's, as `info()` and the start line show). */
  clientSecret: string;
  /** Whether loopback callers are trusted without the secret. */
  trustLoopback: boolean;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped IPv6 forms (`::ffff:127.0.0.1`). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.toLowerCase().replace(/^::ffff:/, "");
  if (isIP(plain) === 4) return plain.startsWith("127.");
  return plain === "::1" || plain === "0:0:0:0:0:0:0:1";
}

/** Constant-time comparison of the presented header with the secret (hashes equalize the lengths). */
function secretMatches(presented: string | string[] | undefined, secret: string): boolean {
  if (typeof presented !== "string" || presented === "") return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(secret));
}

/** Whether a control request from `remoteAddress` presenting `presentedSecret` may proceed. */
export function controlCallerAllowed(
  caller: { remoteAddress: string | undefined; presentedSecret: string | string[] | undefined },
  policy: ControlAccessPolicy,
): boolean {
  if (policy.trustLoopback && isLoopbackAddress(caller.remoteAddress)) return true;
  return secretMatches(caller.presentedSecret, policy.clientSecret);
}

/** The 403 body a refused caller gets; it names the header, never the secret. */
export function controlRefusal(policy: ControlAccessPolicy): { error: { code: string; message: string } } {
  const who = policy.trustLoopback ? "callers from other machines" : "callers";
  return {
    error: {
      code: "Forbidden",
      message:
        `The emulator's control API answers ${who} only when they send the emulator's client secret in the ` +
        `'${CONTROL_SECRET_HEADER}' header (see emulator/README.md, "Control API").`,
    },
  };
}
