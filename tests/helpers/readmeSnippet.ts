/** Code examples taken from README.md as it stands, so tests run what users copy. */
import * as fs from "fs";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "../..");

/** The first ```ts block after the heading `heading` (e.g. "## Testing your own stacks offline"). */
export function readmeTsBlock(heading: string): string {
  const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.indexOf(`\n${heading}\n`);
  if (section < 0) throw new Error(`README.md has no section "${heading}"`);
  const start = readme.indexOf("```ts\n", section);
  const end = readme.indexOf("```", start + 6);
  if (start < 0 || end < 0) throw new Error(`README.md section "${heading}" has no ts example`);
  return readme.slice(start + 6, end);
}

/** The README's testing example (section "Testing your own stacks offline"). */
export const readmeTestingExample = (): string => readmeTsBlock("## Testing your own stacks offline");
