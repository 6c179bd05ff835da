import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  PassphraseCrypter,
  PBKDF2_ITERATIONS,
  passphraseFromEnvironment,
} from "../../../testing/passphraseCrypter";
import { readStackConfig, writeStackConfig } from "../../../testing/stackConfig";
import { StateFile } from "../../../testing/stateFile";
import { makeSecret } from "../../../testing/propertyValues";

/** Pulumi's v1 decryption written out independently (sdk/go/common/resource/config/crypt.go). */
function pulumiDecrypt(passphrase: string, encryptionSalt: string, value: string): string {
  const salt = Buffer.from(encryptionSalt.split(":")[1], "base64");
  const key = crypto.pbkdf2Sync(passphrase, salt, 1_000_000, 32, "sha256");
  const [version, nonce, body] = value.split(":");
  expect(version).to.equal("v1");
  const raw = Buffer.from(body, "base64");
  const d = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(0, raw.length - 16)), d.final()]).toString("utf8");
}

describe("PassphraseCrypter", function () {
  this.timeout(30_000);

  it('should write Pulumi\'s v1 formats: 8-byte salt, 12-byte nonce, "pulumi" check value', async () => {
    const c = await PassphraseCrypter.create("pass-1");
    const parts = c.encryptionSalt.split(":");
    expect(parts[0]).to.equal("v1");
    expect(Buffer.from(parts[1], "base64")).to.have.length(8);
    expect(pulumiDecrypt("pass-1", c.encryptionSalt, parts.slice(2).join(":"))).to.equal("pulumi");
    const value = c.encrypt("hello");
    expect(Buffer.from(value.split(":")[1], "base64")).to.have.length(12);
    expect(pulumiDecrypt("pass-1", c.encryptionSalt, value)).to.equal("hello");
    expect(PBKDF2_ITERATIONS).to.equal(1_000_000);
  });

  it("should reopen a salt state with the right passphrase and refuse a wrong one", async () => {
    const c = await PassphraseCrypter.create("pass-2");
    const again = await PassphraseCrypter.fromEncryptionSalt("pass-2", c.encryptionSalt);
    expect(again.decrypt(c.encrypt("x"))).to.equal("x");
    let err: Error | undefined;
    await PassphraseCrypter.fromEncryptionSalt("wrong", c.encryptionSalt).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/incorrect passphrase/);
  });

  it("should reject a tampered ciphertext", async () => {
    const c = await PassphraseCrypter.create("pass-3");
    const [v, n, body] = c.encrypt("value").split(":");
    const raw = Buffer.from(body, "base64");
    raw[0] ^= 1;
    expect(() => c.decrypt(`${v}:${n}:${raw.toString("base64")}`)).to.throw();
  });

  it("should name the environment variables when no passphrase is available", () => {
    expect(() => passphraseFromEnvironment("to decrypt X", {})).to.throw(
      /PULUMI_CONFIG_PASSPHRASE.*to decrypt X|to decrypt X.*PULUMI_CONFIG_PASSPHRASE/,
    );
    expect(passphraseFromEnvironment("p", { PULUMI_CONFIG_PASSPHRASE: "" })).to.equal("");
  });
});

describe("writeStackConfig / readStackConfig", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("should write secure values Pulumi can read and read them back flagged secret", async () => {
    const file = path.join(dir, "Pulumi.dev.yaml");
    await writeStackConfig(
      file,
      { "ns:plain": "p", "ns:count": 3, "ns:secret": { secure: "s3cr3t-value" } },
      { passphrase: "pw" },
    );
    const text = fs.readFileSync(file, "utf8");
    expect(text).to.not.include("s3cr3t-value");
    const salt = /encryptionsalt: (\S+)/.exec(text)![1];
    const secure = /secure: (\S+)/.exec(text)![1];
    expect(pulumiDecrypt("pw", salt, secure)).to.equal("s3cr3t-value");
    const read = await readStackConfig(file, "proj", { passphrase: "pw" });
    expect(read.config).to.deep.equal({
      "ns:plain": { value: "p", secret: false },
      "ns:count": { value: "3", secret: false },
      "ns:secret": { value: "s3cr3t-value", secret: true },
    });
    expect(read.encryptionSalt).to.equal(salt);
    // Rewriting keeps the salt, so existing secure values of other stacks' tools stay valid.
    await writeStackConfig(file, { "ns:secret": { secure: "other" } }, { passphrase: "pw" });
    expect(fs.readFileSync(file, "utf8")).to.include(`encryptionsalt: ${salt}`);
  });

  it("should namespace bare keys with the project name and need no passphrase without secure values", async () => {
    const file = path.join(dir, "Pulumi.plain.yaml");
    fs.writeFileSync(file, "config:\n  greeting: hi\n  other:obj:\n    a: 1\n");
    const read = await readStackConfig(file, "proj");
    expect(read.config).to.deep.equal({
      "proj:greeting": { value: "hi", secret: false },
      "other:obj": { value: '{"a":1}', secret: false },
    });
  });
});

describe("StateFile", function () {
  this.timeout(30_000);

  it("should store secret values only as ciphertext and load them back", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-file-"));
    try {
      const file = path.join(dir, "s", "dev.json");
      const state = {
        resources: [
          {
            urn: "urn:pulumi:dev::p::t::a",
            type: "t",
            name: "a",
            custom: true,
            id: "id-1",
            dependencies: [],
            inputs: { plain: "x", nested: { s: makeSecret("nested-plaintext") } },
            outputs: { creds: makeSecret({ SecretToken: "top-plaintext" }) },
            additionalSecretOutputs: [],
          },
        ],
        outputs: { out: makeSecret("output-plaintext") },
      };
      await new StateFile(file, "pw").save(state);
      const text = fs.readFileSync(file, "utf8");
      for (const s of ["nested-plaintext", "top-plaintext", "output-plaintext"])
        expect(text).to.not.include(s);
      expect(text).to.include('"ciphertext": "v1:');
      expect(await new StateFile(file, "pw").load()).to.deep.equal(state);
      let err: Error | undefined;
      await new StateFile(file, "nope").load().catch((e: Error) => (err = e));
      expect(err?.message).to.match(/incorrect passphrase/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
