/**
 * Pulumi's passphrase secrets provider, reimplemented: a 32-byte key derived from the passphrase
 * with PBKDF2-HMAC-SHA256 (1,000,000 iterations, 8-byte random salt), values encrypted with
 * AES-256-GCM under a random 12-byte nonce and written `v1:<base64 nonce>:<base64 ciphertext+tag>`.
 * The salt state (`encryptionsalt` in `Pulumi.<stack>.yaml`) is `v1:<base64 salt>:<encrypted "pulumi">`,
 * so a wrong passphrase is detected. Values written here are readable by the `pulumi` CLI and back.
 */
import * as crypto from "crypto";
import * as fs from "fs";

/** PBKDF2 iterations used by Pulumi (sdk/go/common/resource/config/crypt.go). */
export const PBKDF2_ITERATIONS = 1_000_000;
const KEY_BYTES = 32;
const SALT_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Known plaintext stored in the salt state to verify the passphrase. */
const CHECK_PLAINTEXT = "pulumi";

/** Derived keys by passphrase + salt: derivation costs about a second, so do it once per process. */
const keyCache = new Map<string, Promise<Buffer>>();

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  const cacheKey = crypto.createHash("sha256").update(passphrase).update("\0").update(salt).digest("hex");
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = new Promise<Buffer>((resolve, reject) =>
      crypto.pbkdf2(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, "sha256", (err, k) =>
        err ? reject(err) : resolve(k),
      ),
    );
    keyCache.set(cacheKey, key);
    key.catch(() => keyCache.delete(cacheKey));
  }
  return key;
}

/**
 * Returns the passphrase from `PULUMI_CONFIG_PASSPHRASE`, else from the file named by
 * `PULUMI_CONFIG_PASSPHRASE_FILE` (as the CLI does); throws naming both when neither is set.
 * `purpose` completes the error message ("to decrypt Pulumi.dev.yaml").
 */
export function passphraseFromEnvironment(purpose: string, env: NodeJS.ProcessEnv = process.env): string {
  const phrase = env.PULUMI_CONFIG_PASSPHRASE;
  if (phrase !== undefined) return phrase;
  const file = env.PULUMI_CONFIG_PASSPHRASE_FILE;
  if (file) return fs.readFileSync(file, "utf8").replace(/\r?\n$/, "");
  throw new Error(
    `a passphrase is needed ${purpose}: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE), ` +
      `or pass the passphrase option`,
  );
}

/** Encrypts and decrypts single values like Pulumi's passphrase secrets manager. */
export class PassphraseCrypter {
  private constructor(
    private readonly key: Buffer,
    /** The salt state to store as `encryptionsalt` (or the state file's secrets-provider state). */
    readonly encryptionSalt: string,
  ) {}

  /** A crypter with a fresh random salt. */
  static async create(passphrase: string): Promise<PassphraseCrypter> {
    const salt = crypto.randomBytes(SALT_BYTES);
    const key = await deriveKey(passphrase, salt);
    const check = encryptWithKey(key, CHECK_PLAINTEXT);
    return new PassphraseCrypter(key, `v1:${salt.toString("base64")}:${check}`);
  }

  /**
   * A crypter for an existing salt state (`v1:<salt>:<encrypted "pulumi">`); rejects with
   * "incorrect passphrase" when the passphrase does not decrypt it.
   */
  static async fromEncryptionSalt(passphrase: string, encryptionSalt: string): Promise<PassphraseCrypter> {
    const parts = encryptionSalt.split(":");
    if (parts.length !== 5 || parts[0] !== "v1") {
      throw new Error(`malformed encryptionsalt (expected v1:<salt>:v1:<nonce>:<ciphertext>)`);
    }
    const key = await deriveKey(passphrase, Buffer.from(parts[1], "base64"));
    let check: string | undefined;
    try {
      check = decryptWithKey(key, parts.slice(2).join(":"));
    } catch {
      check = undefined;
    }
    if (check !== CHECK_PLAINTEXT) {
      throw new Error("incorrect passphrase: it does not decrypt this stack's encryptionsalt");
    }
    return new PassphraseCrypter(key, encryptionSalt);
  }

  /** `v1:<base64 nonce>:<base64 ciphertext+tag>`. */
  encrypt(plaintext: string): string {
    return encryptWithKey(this.key, plaintext);
  }

  /** Inverse of {@link encrypt}; throws on a malformed or tampered value. */
  decrypt(ciphertext: string): string {
    return decryptWithKey(this.key, ciphertext);
  }
}

function encryptWithKey(key: Buffer, plaintext: string): string {
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `v1:${nonce.toString("base64")}:${body.toString("base64")}`;
}

function decryptWithKey(key: Buffer, value: string): string {
  const parts = value.split(":");
  if (parts.length !== 3 || parts[0] !== "v1")
    throw new Error("malformed encrypted value (expected v1:<nonce>:<ciphertext>)");
  const nonce = Buffer.from(parts[1], "base64");
  const body = Buffer.from(parts[2], "base64");
  if (body.length < TAG_BYTES) throw new Error("malformed encrypted value (too short)");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  return Buffer.concat([
    decipher.update(body.subarray(0, body.length - TAG_BYTES)),
    decipher.final(),
  ]).toString("utf8");
}
