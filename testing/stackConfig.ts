/**
 * Pulumi project and stack configuration files, read and written the way the `pulumi` CLI does, so
 * one committed `Pulumi.<stack>.yaml` works with the CLI and with this harness:
 * `Pulumi.yaml` gives the project name and `main`; `Pulumi.<stack>.yaml` holds
 * `encryptionsalt` (passphrase secrets provider state) and `config:` with `secure:` values
 * encrypted by the passphrase (`passphraseCrypter.ts`). YAML through js-yaml (a dependency of
 * @pulumi/pulumi).
 */
import * as fs from "fs";
import * as path from "path";
import type { StackConfigMap } from "./engineHarness";
import { PassphraseCrypter, passphraseFromEnvironment } from "./passphraseCrypter";

// js-yaml ships no typings here (@types/js-yaml is not installed); the two calls used are typed below.
const yaml = require("js-yaml") as {
  load(text: string): unknown;
  dump(doc: unknown, options?: { lineWidth?: number; quotingType?: "'" | '"' }): string;
};

/** What the harness needs from `Pulumi.yaml`. */
export interface ProjectInfo {
  /** `name:`. */
  name: string;
  /** Absolute project directory (where `Pulumi.yaml` is). */
  dir: string;
  /** Absolute path of the program (`main:`, default the project directory). */
  main: string;
  /** Project-level config defaults (`config:` in Pulumi.yaml), namespaced. */
  configDefaults: StackConfigMap;
}

/** Reads `<projectDir>/Pulumi.yaml` (or `.yml`); throws naming the file when missing or nameless. */
export function readProject(projectDir: string): ProjectInfo {
  const dir = path.resolve(projectDir);
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no Pulumi.yaml in ${dir}`);
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  if (typeof doc.name !== "string" || doc.name.length === 0)
    throw new Error(`${file}: "name" must be a non-empty string`);
  const configDefaults: StackConfigMap = {};
  const projectConfig = (doc.config ?? {}) as Record<string, unknown>;
  for (const [k, raw] of Object.entries(projectConfig)) {
    // Either `key: value` or `key: {type, default|value, secret}`.
    const spec =
      raw && typeof raw === "object" && !Array.isArray(raw)
        ? (raw as Record<string, unknown>)
        : { value: raw };
    const value = spec.value ?? spec.default;
    if (value === undefined) continue;
    configDefaults[namespaced(k, doc.name)] = { value: configText(value), secret: spec.secret === true };
  }
  return {
    name: doc.name,
    dir,
    main: path.resolve(dir, typeof doc.main === "string" ? doc.main : "."),
    configDefaults,
  };
}

/** Path of a stack's config file: `<projectDir>/Pulumi.<stack>.yaml`. */
export function stackConfigPath(projectDir: string, stack: string): string {
  return path.join(path.resolve(projectDir), `Pulumi.${stack}.yaml`);
}

/** Result of {@link readStackConfig}. */
export interface StackConfig {
  /** Namespaced config, `secure:` values decrypted and flagged secret. */
  config: StackConfigMap;
  /** The file's `encryptionsalt`, when it has one. */
  encryptionSalt?: string;
}

/**
 * Reads a stack config file. Keys without a namespace get the project's (as Pulumi does);
 * non-string values become their JSON text (what programs receive). `secure:` values need the
 * passphrase (option, else `PULUMI_CONFIG_PASSPHRASE[_FILE]`); a file without secure values needs none.
 * A missing file reads as empty config.
 */
export async function readStackConfig(
  file: string,
  projectName: string,
  options: { passphrase?: string } = {},
): Promise<StackConfig> {
  if (!fs.existsSync(file)) return { config: {} };
  const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>;
  const encryptionSalt = typeof doc.encryptionsalt === "string" ? doc.encryptionsalt : undefined;
  const raw = (doc.config ?? {}) as Record<string, unknown>;
  let crypter: PassphraseCrypter | undefined;
  const decrypt = async (ciphertext: string): Promise<string> => {
    if (!crypter) {
      if (!encryptionSalt) throw new Error(`${file}: has secure values but no encryptionsalt`);
      const phrase =
        options.passphrase ?? passphraseFromEnvironment(`to decrypt the secure values of ${file}`);
      crypter = await PassphraseCrypter.fromEncryptionSalt(phrase, encryptionSalt);
    }
    return crypter.decrypt(ciphertext);
  };
  const config: StackConfigMap = {};
  for (const [k, v] of Object.entries(raw)) {
    const state = { secret: false };
    const plain = await decryptSecure(v, decrypt, state);
    config[namespaced(k, projectName)] = { value: configText(plain), secret: state.secret };
  }
  return { config, ...(encryptionSalt ? { encryptionSalt } : {}) };
}

/** A value to write with {@link writeStackConfig}: a plain value, or `{ secure: plaintext }`. */
export type ConfigInput = string | number | boolean | { secure: string };

/**
 * Writes (or rewrites) a stack config file as `pulumi config set [--secret]` would: keeps an
 * existing `encryptionsalt` (the passphrase must match it) or creates one, encrypts `{secure}`
 * values, and replaces the `config:` section with `entries` (keys as given, e.g.
 * `graphProvisioning:clientSecret`). Other top-level keys of an existing file are kept.
 */
export async function writeStackConfig(
  file: string,
  entries: Record<string, ConfigInput>,
  options: { passphrase?: string } = {},
): Promise<void> {
  const existing = fs.existsSync(file)
    ? ((yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as Record<string, unknown>)
    : {};
  const needsCrypter = Object.values(entries).some((v) => typeof v === "object");
  let salt = typeof existing.encryptionsalt === "string" ? existing.encryptionsalt : undefined;
  let crypter: PassphraseCrypter | undefined;
  if (needsCrypter) {
    const phrase = options.passphrase ?? passphraseFromEnvironment(`to encrypt secure values in ${file}`);
    crypter = salt
      ? await PassphraseCrypter.fromEncryptionSalt(phrase, salt)
      : await PassphraseCrypter.create(phrase);
    salt = crypter.encryptionSalt;
  }
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entries)) {
    config[k] = typeof v === "object" ? { secure: crypter!.encrypt(v.secure) } : v;
  }
  const doc: Record<string, unknown> = { ...(salt ? { encryptionsalt: salt } : {}), ...existing, config };
  if (salt) doc.encryptionsalt = salt;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, yaml.dump(doc, { lineWidth: -1, quotingType: '"' }));
}

function namespaced(key: string, projectName: string): string {
  return key.includes(":") ? key : `${projectName}:${key}`;
}

/** Config values reach programs and providers as strings; structured values as JSON text. */
function configText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

async function decryptSecure(
  v: unknown,
  decrypt: (c: string) => Promise<string>,
  state: { secret: boolean },
): Promise<unknown> {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") {
      state.secret = true;
      return decrypt(o.secure);
    }
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(o)) out[k] = await decryptSecure(e, decrypt, state);
    return out;
  }
  if (Array.isArray(v)) return Promise.all(v.map((e) => decryptSecure(e, decrypt, state)));
  return v;
}
