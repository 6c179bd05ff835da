/**
 * Issue 13: eslint keeps the emulator and the client apart — no import of provider/ from emulator/, none of
 * emulator/ from provider/, in any form (static, type-only, require, dynamic import). Lints planted sources
 * with the repository's own eslint.config.mjs, as `npm run lint` does.
 */
import { expect } from "chai";
import { ESLint } from "eslint";
import * as path from "path";

const repoRoot = path.resolve(__dirname, "../../..");

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
  return result.messages
    .filter(
      (m) => m.ruleId === "@typescript-eslint/no-restricted-imports" || m.ruleId === "no-restricted-syntax",
    )
    .map((m) => `${m.line}: ${m.message}`);
}

describe("lint: import boundaries between emulator/ and provider/ (issue 13)", function () {
  this.timeout(60_000);

  it("should fail every form of import of provider/ from emulator/", async () => {
    const errors = await boundaryErrors(
      "emulator/handlers/planted.ts",
      [
        'import type { GraphApi } from "../../provider/graph/types";',
        'import * as types from "../../provider/graph/types";',
        "export type X = GraphApi;",
        "export const y = types;",
        'export const z = require("../../provider/runtime");',
        'export const w = import("../../provider/index");',
        "",
      ].join("\n"),
    );
    expect(errors.map((e) => e.split(":")[0])).to.deep.equal(["1", "2", "5", "6"]);
    expect(errors[0]).to.contain("Do not import provider/ here");
  });

  it("should fail an import of emulator/ from provider/", async () => {
    const errors = await boundaryErrors(
      "provider/graph/planted.ts",
      'import { startEmulator } from "../../emulator";\nexport const x = startEmulator;\nexport const z = require("../../emulator/server");\n',
    );
    expect(errors.map((e) => e.split(":")[0])).to.deep.equal(["1", "3"]);
  });

  it("should accept the emulator's own model and tests importing both sides", async () => {
    expect(
      await boundaryErrors(
        "emulator/handlers/planted.ts",
        'import { RESTART_SCOPE_FLAGS } from "../model/synchronizationEnums";\nexport const f = RESTART_SCOPE_FLAGS;\n',
      ),
    ).to.deep.equal([]);
    expect(
      await boundaryErrors(
        "tests/unit/planted.spec.ts",
        'import { startEmulator } from "../../emulator";\nimport { GraphClient } from "../../provider/graph/graphClient";\nexport const x = [startEmulator, GraphClient];\n',
      ),
    ).to.deep.equal([]);
  });
});
