/**
 * Plain-text tables for the CLI's human output.
 */

/**
 * Formats `rows` under `headers` as left-aligned columns separated by two spaces, one line per row,
 * each line ending in `\n`. Cells are converted with `String`; null and undefined print as `-`;
 * newlines inside a cell become spaces. Trailing spaces are trimmed.
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown): string =>
    value === null || value === undefined || value === "" ? "-" : String(value).replace(/\s*\r?\n\s*/g, " ");
  const lines = [headers.map(cell), ...rows.map((row) => headers.map((_, i) => cell(row[i])))];
  const widths = headers.map((_, i) => Math.max(...lines.map((line) => line[i].length)));
  return lines
    .map(
      (line) =>
        line
          .map((text, i) => text.padEnd(widths[i]))
          .join("  ")
          .trimEnd() + "\n",
    )
    .join("");
}

/**
 * Formats label/value pairs as two aligned columns (`label  value`), one line each. Pairs whose value
 * is undefined are skipped.
 */
export function formatFields(fields: readonly (readonly [string, string | undefined])[]): string {
  const shown = fields.filter((f): f is readonly [string, string] => f[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`.trimEnd() + "\n").join("");
}
