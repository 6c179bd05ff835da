// Lint rules: typescript-eslint's recommended set; formatting is left to prettier.
import tseslint from "typescript-eslint";

/**
 * Forbids importing (static, type-only, `require` or dynamic `import()`) from the folder `folder`
 * (issue 13: the emulator owns its Graph model, the client owns its own; neither may lean on the other).
 */
function forbidImportsFrom(folder, why) {
  const regex = `(^|/)${folder}(/|$)`;
  const message = `Do not import ${folder}/ here: ${why}`;
  return {
    "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ regex, message }] }],
    "no-restricted-syntax": [
      "error",
      {
        selector: `CallExpression[callee.name='require'] > Literal[value=/${regex.replace(/\//g, "\\/")}/]`,
        message,
      },
      { selector: `ImportExpression > Literal[value=/${regex.replace(/\//g, "\\/")}/]`, message },
    ],
  };
}

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "**/*.js", "**/*.mjs"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["emulator/**/*.ts"],
    rules: forbidImportsFrom(
      "provider",
      "the emulator models Graph from Microsoft's schema and docs (emulator/model/), not from the client's assumptions.",
    ),
  },
  {
    files: ["provider/**/*.ts"],
    rules: forbidImportsFrom("emulator", "the client must not depend on the emulator it is tested against."),
  },
);
