/**
 * Mocha root-hook plugin (loaded by .mocharc.json): records everything the test run writes to its own
 * stdout and stderr, and at the end fails the run if any secret value appears in it. The secrets are
 * the `secure:` values of every committed stack file (the credentials the demo, the quickstart and the
 * examples use), decrypted with the documented demo passphrase, plus any value a test registers with
 * {@link registerTestSecret}. The failure names the stack file and key, never the value.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackConfig } from "../../testing/stackConfig";

const DEMO_PASSPHRASE = "local-emulator";
const repoRoot = path.resolve(__dirname, "../..");

const planted = new Map<string, string>();
const recorded: string[] = [];

/** Registers a value (with a label to report) that must never reach the test run's output. */
export function registerTestSecret(label: string, value: string): void {
  if (value.length >= 6) planted.set(value, label);
}

function record(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    recorded.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

/** Every committed Pulumi.<stack>.yaml with the project name of the Pulumi.yaml beside it. */
function committedStackFiles(): { file: string; project: string }[] {
  const dirs = [
    repoRoot,
    ...fs.readdirSync(path.join(repoRoot, "examples")).map((d) => path.join(repoRoot, "examples", d)),
  ];
  const found: { file: string; project: string }[] = [];
  for (const dir of dirs) {
    const projectFile = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(projectFile)) continue;
    const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(projectFile, "utf8"))?.[1] ?? "";
    for (const name of fs.readdirSync(dir)) {
      if (/^Pulumi\.[^.]+\.yaml$/.test(name)) found.push({ file: path.join(dir, name), project });
    }
  }
  return found;
}

/** String leaves of a config value (objects arrive as JSON text). */
function leaves(value: unknown): string[] {
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && typeof parsed === "object") return leaves(parsed);
    } catch {
      // Not JSON: the string itself is the secret.
    }
    return [value];
  }
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(leaves);
  return [];
}

record(process.stdout);
record(process.stderr);

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    for (const { file, project } of committedStackFiles()) {
      const { config } = await readStackConfig(file, project, { passphrase: DEMO_PASSPHRASE });
      for (const [key, entry] of Object.entries(config)) {
        if (!entry.secret) continue;
        for (const value of leaves(entry.value)) {
          registerTestSecret(`${path.relative(repoRoot, file)} ${key}`, value);
        }
      }
    }
    // The committed stack files hold a dozen secure values; none found means the guard checks nothing.
    if (planted.size < 6)
      throw new Error(`the output secret guard found only ${planted.size} secret values to look for`);
    const output = recorded.join("");
    const leaked = [...planted].filter(([value]) => output.includes(value)).map(([, label]) => label);
    if (leaked.length > 0) {
      throw new Error(`secret values appeared in the test run's output: ${leaked.join(", ")}`);
    }
  },
};
