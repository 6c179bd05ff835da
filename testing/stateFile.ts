/**
 * The harness's stack state between runs: one JSON file per stack. Secret values are stored the
 * way Pulumi's checkpoints store them, `{"4dabf…": "1b47…", "ciphertext": "v1:…"}`, the ciphertext
 * being the AES-256-GCM encryption of the value's JSON text under the passphrase-derived key
 * (`passphraseCrypter.ts`); the salt state is kept in the file (`secretsProviders`).
 */
import * as fs from "fs";
import * as path from "path";
import { PassphraseCrypter } from "./passphraseCrypter";
import { isSecretValue, SIG_KEY, SECRET_SIG, type PropertyMap, type PropertyValue } from "./propertyValues";

/** One resource as recorded after a run. Values are in wire form (secrets as secret wrappers). */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  /** False for component resources (and the stack), which have no provider and no id. */
  custom: boolean;
  /** Provider id; `""` for components. */
  id: string;
  parent?: string;
  /** URNs this resource depends on (dependsOn + input dependencies). */
  dependencies: string[];
  /** Checked inputs (for custom resources: including `__provider`). */
  inputs: PropertyMap;
  outputs: PropertyMap;
  additionalSecretOutputs: string[];
  /** The resource option `deleteBeforeReplace`. */
  deleteBeforeReplace?: boolean;
  /** An old copy replaced create-before-delete whose delete has not happened yet (deleted by the next up). */
  pendingDelete?: boolean;
}

/** A stack's recorded state. */
export interface StackState {
  resources: ResourceState[];
  /** Stack outputs in wire form. */
  outputs: PropertyMap;
}

/** File format version written by {@link StateFile}. */
export const STATE_FILE_VERSION = 1;

interface StateFileJson {
  version: number;
  secretsProviders: { type: "passphrase"; state: { salt: string } };
  resources: ResourceState[];
  outputs: PropertyMap;
}

/** Reads and writes one stack's state file. */
export class StateFile {
  private crypter?: PassphraseCrypter;

  /**
   * @param filePath the JSON file; created (with its directory) on the first save.
   * @param passphrase encrypts/decrypts secret values (Pulumi's `PULUMI_CONFIG_PASSPHRASE`).
   * @param encryptionSalt salt state to use for a new file (e.g. the stack config's `encryptionsalt`,
   *   so one passphrase serves both); default: a fresh salt.
   */
  constructor(
    readonly filePath: string,
    private readonly passphrase: string,
    private readonly encryptionSalt?: string,
  ) {}

  /** The recorded state, or an empty one when the file does not exist. */
  async load(): Promise<StackState> {
    if (!fs.existsSync(this.filePath)) return { resources: [], outputs: {} };
    const json = JSON.parse(fs.readFileSync(this.filePath, "utf8")) as StateFileJson;
    if (json.version !== STATE_FILE_VERSION) {
      throw new Error(
        `${this.filePath}: state file version ${json.version} is not supported (expected ${STATE_FILE_VERSION})`,
      );
    }
    this.crypter ??= await PassphraseCrypter.fromEncryptionSalt(
      this.passphrase,
      json.secretsProviders.state.salt,
    );
    const crypter = this.crypter;
    const dec = (m: PropertyMap) =>
      transform(m, (c: string) => JSON.parse(crypter.decrypt(c)) as PropertyValue, true) as PropertyMap;
    return {
      resources: json.resources.map((r) => ({ ...r, inputs: dec(r.inputs), outputs: dec(r.outputs) })),
      outputs: dec(json.outputs ?? {}),
    };
  }

  /** Writes `state` atomically (temporary file + rename), secret values encrypted. */
  async save(state: StackState): Promise<void> {
    this.crypter ??= this.encryptionSalt
      ? await PassphraseCrypter.fromEncryptionSalt(this.passphrase, this.encryptionSalt)
      : await PassphraseCrypter.create(this.passphrase);
    const crypter = this.crypter;
    const enc = (m: PropertyMap) =>
      transform(m, (v: PropertyValue) => crypter.encrypt(JSON.stringify(v)), false) as PropertyMap;
    const json: StateFileJson = {
      version: STATE_FILE_VERSION,
      secretsProviders: { type: "passphrase", state: { salt: crypter.encryptionSalt } },
      resources: state.resources.map((r) => ({ ...r, inputs: enc(r.inputs), outputs: enc(r.outputs) })),
      outputs: enc(state.outputs),
    };
    fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
    const tmp = `${this.filePath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(json, null, 2) + "\n", { mode: 0o600 });
    fs.renameSync(tmp, this.filePath);
  }
}

/**
 * Walks a value replacing secrets: when `decrypting`, `{sig, ciphertext}` → `{sig, value: f(ciphertext)}`;
 * otherwise `{sig, value}` → `{sig, ciphertext: f(value)}`.
 */
function transform(
  v: PropertyValue,
  f: ((ciphertext: string) => PropertyValue) | ((value: PropertyValue) => string),
  decrypting: boolean,
): PropertyValue {
  if (
    decrypting &&
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    v[SIG_KEY] === SECRET_SIG &&
    "ciphertext" in v
  ) {
    return { [SIG_KEY]: SECRET_SIG, value: (f as (c: string) => PropertyValue)(String(v.ciphertext)) };
  }
  if (!decrypting && isSecretValue(v)) {
    return { [SIG_KEY]: SECRET_SIG, ciphertext: (f as (x: PropertyValue) => string)(v.value) };
  }
  if (Array.isArray(v)) return v.map((e) => transform(e, f, decrypting));
  if (typeof v === "object" && v !== null) {
    const out: PropertyMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = transform(e, f, decrypting);
    return out;
  }
  return v;
}
