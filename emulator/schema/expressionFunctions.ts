/**
 * The functions attribute-mapping expressions may call: their parameter schemas (what
 * `GET …/schema/functions` lists and how parseExpression names each argument) and their evaluation.
 * Names, order and semantics follow Microsoft's "Reference for writing expressions for attribute mappings"
 * (entra-docs functions-for-customizing-application-data.md). Graph's own parameter keys are documented
 * only for Append (source, suffix), FormatDateTime (source, inputFormat, outputFormat) and Replace
 * (source, Find, Replacement); every other key is the reference page's parameter name (unverified).
 */
import { randomUUID, randomInt } from "crypto";
import type { AttributeType } from "./schemaTypes";

/** A value during evaluation: a string, a multi-valued attribute, or null (absent). */
export type ExpressionValue = string | string[] | null;

/** One parameter as `functions` lists it (attributeMappingParameterSchema). */
export interface FunctionParameter {
  name: string;
  required: boolean;
  allowMultipleOccurrences: boolean;
  type: AttributeType;
}

/** A function the grammar accepts. */
export interface ExpressionFunction {
  name: string;
  /** Fixed parameters; trailing ones with allowMultipleOccurrences repeat as a group. */
  parameters: FunctionParameter[];
  /** Fewest arguments accepted (default: the required fixed parameters). */
  minArgs?: number;
  /** Arguments must come in this parity beyond the fixed prefix (Switch's key/value pairs). */
  evaluate: (args: ExpressionValue[], context: FunctionContext) => ExpressionValue;
}

/** What a function may need besides its arguments. */
export interface FunctionContext {
  nowMs: number;
}

const p = (
  name: string,
  required = true,
  type: AttributeType = "String",
  allowMultipleOccurrences = false,
): FunctionParameter => ({ name, required, allowMultipleOccurrences, type });

/** Thrown by a function whose input cannot be evaluated (evaluationSucceeded = false). */
export class EvaluationError extends Error {
  override readonly name = "EvaluationError";
}

const single = (v: ExpressionValue): string | null => (Array.isArray(v) ? (v[0] ?? null) : v);
const text = (v: ExpressionValue): string => single(v) ?? "";
const bool = (b: boolean): string => (b ? "True" : "False");
const isTrue = (v: ExpressionValue): boolean => {
  const s = single(v);
  if (s === null) return false;
  if (/^true$/i.test(s)) return true;
  const n = Number(s);
  return s.trim() !== "" && !Number.isNaN(n) && n !== 0;
};

/** Parses an integer argument (decimal, or VBA hex `&HFF`); EvaluationError naming the parameter otherwise. */
export function integerArg(v: ExpressionValue, name: string): number {
  const s = text(v).trim();
  const n = /^&H[0-9a-f]+$/i.test(s) ? parseInt(s.slice(2), 16) : Number(s);
  if (s === "" || !Number.isInteger(n)) throw new EvaluationError(`${name}: '${s}' is not an integer.`);
  return n;
}

/** `M/d/yyyy h:mm:ss tt` in UTC, the format the date functions return. */
export function formatVbDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

/** Parses the date strings the reference shows (ISO 8601, `2020-03-16-07:00`, `M/d/yyyy h:mm:ss tt`). */
export function parseDate(v: ExpressionValue, name: string): number {
  const s = text(v).trim();
  const vb = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2}):(\d{2}) ?(AM|PM)?)?$/i.exec(s);
  if (vb) {
    let hour = Number(vb[4] ?? 0);
    if (vb[7]) hour = (hour % 12) + (/pm/i.test(vb[7]) ? 12 : 0);
    return Date.UTC(
      Number(vb[3]),
      Number(vb[1]) - 1,
      Number(vb[2]),
      hour,
      Number(vb[5] ?? 0),
      Number(vb[6] ?? 0),
    );
  }
  // A date with an offset but no time (`2020-03-16-07:00`) means midnight at that offset.
  const dateWithOffset = /^(\d{4}-\d{2}-\d{2})([+-]\d{2}:\d{2}|Z)$/.exec(s);
  const ms = Date.parse(dateWithOffset ? `${dateWithOffset[1]}T00:00:00${dateWithOffset[2]}` : s);
  if (Number.isNaN(ms)) throw new EvaluationError(`${name}: '${s}' is not a date.`);
  return ms;
}

const INTERVAL_MS: Record<string, number> = { ww: 7 * 86400e3, d: 86400e3, h: 3600e3, n: 60e3, s: 1e3 };

function dateAdd(interval: string, value: number, ms: number): number {
  const d = new Date(ms);
  if (interval === "yyyy") d.setUTCFullYear(d.getUTCFullYear() + value);
  else if (interval === "m") d.setUTCMonth(d.getUTCMonth() + value);
  else if (INTERVAL_MS[interval] !== undefined) return ms + value * INTERVAL_MS[interval];
  else throw new EvaluationError(`interval: '${interval}' is not one of yyyy, m, d, ww, h, n, s.`);
  return d.getTime();
}

function dateDiff(interval: string, a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  if (interval === "yyyy") return db.getUTCFullYear() - da.getUTCFullYear();
  if (interval === "m")
    return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  if (INTERVAL_MS[interval] === undefined)
    throw new EvaluationError(`interval: '${interval}' is not one of yyyy, m, d, ww, h, n, s.`);
  return Math.trunc((b - a) / INTERVAL_MS[interval]);
}

/** Windows FILETIME (100 ns ticks since 1601-01-01) offset from the Unix epoch, in ms. */
const FILETIME_EPOCH_MS = 11644473600000;

/** .NET custom date-format tokens the emulator understands (FormatDateTime). */
const FORMAT_TOKENS = /yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|ss|f{1,7}|tt|zzz|'[^']*'|\\.|./g;

function formatParts(format: string): string[] {
  return format.match(FORMAT_TOKENS) ?? [];
}

/** Parses `value` with a .NET custom format (subset); EvaluationError when it does not match. */
function parseWithFormat(value: string, format: string): number {
  const parts = formatParts(format);
  const fields: string[] = [];
  let pattern = "^";
  for (const t of parts) {
    const capture = (re: string) => {
      fields.push(t);
      pattern += `(${re})`;
    };
    if (/^(yyyy)$/.test(t)) capture("\\d{4}");
    else if (/^(yy|MM|dd|HH|hh|mm|ss)$/.test(t)) capture("\\d{2}");
    else if (/^(M|d|H|h)$/.test(t)) capture("\\d{1,2}");
    else if (/^f+$/.test(t)) capture(`\\d{${t.length}}`);
    else if (t === "tt") capture("AM|PM|am|pm");
    else if (t === "zzz") capture("[+-]\\d{2}:\\d{2}");
    else if (t.startsWith("'")) pattern += t.slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else pattern += t.replace(/^\\/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const m = new RegExp(`${pattern}$`).exec(value.trim());
  if (!m) throw new EvaluationError(`source: '${value}' does not match the input format '${format}'.`);
  let [year, month, day, hour, minute, second, ms, offsetMin] = [1, 1, 1, 0, 0, 0, 0, 0];
  let pm: boolean | null = null;
  fields.forEach((f, i) => {
    const v = m[i + 1];
    if (f === "yyyy") year = Number(v);
    else if (f === "yy") year = 2000 + Number(v);
    else if (f === "MM" || f === "M") month = Number(v);
    else if (f === "dd" || f === "d") day = Number(v);
    else if (/^[Hh]{1,2}$/.test(f)) hour = Number(v);
    else if (f === "mm") minute = Number(v);
    else if (f === "ss") second = Number(v);
    else if (f.startsWith("f")) ms = Math.round(Number(`0.${v}`) * 1000);
    else if (f === "tt") pm = /pm/i.test(v);
    else if (f === "zzz")
      offsetMin = (v.startsWith("-") ? -1 : 1) * (Number(v.slice(1, 3)) * 60 + Number(v.slice(4)));
  });
  if (pm !== null) hour = (hour % 12) + (pm ? 12 : 0);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * 60e3;
}

function formatWithFormat(ms: number, format: string): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return formatParts(format)
    .map((t) => {
      const h = d.getUTCHours();
      switch (t) {
        case "yyyy":
          return String(d.getUTCFullYear());
        case "yy":
          return pad(d.getUTCFullYear() % 100);
        case "MM":
          return pad(d.getUTCMonth() + 1);
        case "M":
          return String(d.getUTCMonth() + 1);
        case "dd":
          return pad(d.getUTCDate());
        case "d":
          return String(d.getUTCDate());
        case "HH":
          return pad(h);
        case "H":
          return String(h);
        case "hh":
          return pad(h % 12 === 0 ? 12 : h % 12);
        case "h":
          return String(h % 12 === 0 ? 12 : h % 12);
        case "mm":
          return pad(d.getUTCMinutes());
        case "ss":
          return pad(d.getUTCSeconds());
        case "tt":
          return h < 12 ? "AM" : "PM";
        case "zzz":
          return "+00:00";
        default:
          if (/^f+$/.test(t)) return pad(d.getUTCMilliseconds(), 3).padEnd(t.length, "0").slice(0, t.length);
          if (t.startsWith("'")) return t.slice(1, -1);
          return t.replace(/^\\/, "");
      }
    })
    .join("");
}

const DIACRITIC_SPECIALS: Record<string, string> = {
  æ: "ae",
  Æ: "AE",
  ǣ: "ae",
  Ǣ: "AE",
  ø: "oe",
  Ø: "OE",
  œ: "oe",
  Œ: "OE",
  ß: "ss",
  ł: "l",
  Ł: "L",
  ı: "i",
  İ: "I",
};

function normalizeDiacritics(s: string): string {
  return s
    .replace(/[æÆǣǢøØœŒßłŁıİ]/g, (c) => DIACRITIC_SPECIALS[c] ?? c)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "");
}

function pcase(s: string, separators: string | null): string {
  const isSep = (c: string) => (separators === null ? /[\s\p{P}\p{S}]/u.test(c) : separators.includes(c));
  let out = "";
  let start = true;
  for (const c of s) {
    out += start ? c.toUpperCase() : c.toLowerCase();
    start = isSep(c);
  }
  return out;
}

function randomString(args: ExpressionValue[]): string {
  const [length, numbers, specials, capitals, lowers] = args
    .slice(0, 5)
    .map((v, i) =>
      integerArg(
        v,
        ["Length", "MinimumNumbers", "MinimumSpecialCharacters", "MinimumCapital", "MinimumLowerCase"][i],
      ),
    );
  const avoid = text(args[5] ?? null);
  if (length > 256 || numbers + specials + capitals + lowers > length)
    throw new EvaluationError("Length: must be at most 256 and at least the sum of the minimums.");
  const pools = [
    "0123456789",
    "!@#$%^&*()-_=+[]{};:,.?/",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "abcdefghijklmnopqrstuvwxyz",
  ].map((pool) => [...pool].filter((c) => !avoid.includes(c)).join(""));
  const pick = (pool: string) => pool[randomInt(pool.length)];
  const chars: string[] = [];
  [numbers, specials, capitals, lowers].forEach((n, i) => {
    for (let k = 0; k < n; k++) chars.push(pick(pools[i]));
  });
  const all = pools[0] + pools[3] + pools[2];
  while (chars.length < length) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join("");
}

/** .NET named groups `(?<name>…)` are JavaScript's too; `${name}` substitutions are `$<name>` in JavaScript. */
function dotnetRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "g");
  } catch (e) {
    throw new EvaluationError(`regexPattern: ${(e as Error).message}`);
  }
}

function replace(args: ExpressionValue[]): ExpressionValue {
  const [sourceV, oldValue, regexPattern, regexGroupName, replacementValue, replacementAttribute, template] =
    args.map((v) => (v === undefined ? null : single(v)));
  const source = sourceV;
  if (oldValue !== null && template !== null) return template.split(oldValue).join(source ?? "");
  if (oldValue !== null && replacementValue !== null) {
    if (source === null) return null;
    return oldValue === "" ? source : source.split(oldValue).join(replacementValue);
  }
  if (regexPattern !== null) {
    const re = dotnetRegex(regexPattern);
    if (regexGroupName !== null && replacementAttribute !== null && replacementValue === null) {
      if (source !== null && source !== "") return source;
      const m = new RegExp(re.source).exec(replacementAttribute);
      return m?.groups?.[regexGroupName] ?? null;
    }
    if (source === null) return null;
    if (regexGroupName !== null && replacementValue !== null) {
      return source.replace(re, (...m: unknown[]) => {
        const whole = m[0] as string;
        const groups = m[m.length - 1] as Record<string, string> | undefined;
        const g = groups?.[regexGroupName];
        return g === undefined ? whole : whole.replace(g, replacementValue);
      });
    }
    if (replacementValue !== null)
      return source.replace(re, replacementValue.replace(/\$\{(\w+)\}/g, "$<$1>"));
  }
  return source;
}

/** Every documented function, in the reference page's order. */
export const EXPRESSION_FUNCTIONS: readonly ExpressionFunction[] = [
  {
    name: "Append",
    parameters: [p("source"), p("suffix")],
    evaluate: ([s, x]) => (s === null && x === null ? null : text(s) + text(x)),
  },
  { name: "AppRoleAssignmentsComplex", parameters: [p("source")], evaluate: ([s]) => s },
  {
    name: "BitAnd",
    parameters: [p("value1", true, "Integer"), p("value2", true, "Integer")],
    evaluate: ([a, b]) => String(integerArg(a, "value1") & integerArg(b, "value2")),
  },
  { name: "CBool", parameters: [p("expression")], evaluate: ([v]) => bool(isTrue(v)) },
  {
    name: "CDate",
    parameters: [p("expression")],
    evaluate: ([v]) => (single(v) === null ? null : formatVbDate(parseDate(v, "expression"))),
  },
  {
    name: "Coalesce",
    parameters: [p("source", true, "String", true)],
    evaluate: (args) => args.find((a) => single(a) !== null) ?? null,
  },
  {
    name: "ConvertToBase64",
    parameters: [p("source")],
    evaluate: ([s]) => (single(s) === null ? null : Buffer.from(text(s), "utf16le").toString("base64")),
  },
  {
    name: "ConvertToUTF8Hex",
    parameters: [p("source")],
    evaluate: ([s]) =>
      single(s) === null ? null : Buffer.from(text(s), "utf8").toString("hex").toUpperCase(),
  },
  {
    name: "Count",
    parameters: [p("attribute")],
    evaluate: ([v]) => String(v === null ? 0 : Array.isArray(v) ? v.length : 1),
  },
  { name: "CStr", parameters: [p("value")], evaluate: ([v]) => single(v) },
  {
    name: "DateAdd",
    parameters: [p("interval"), p("value", true, "Integer"), p("dateTime", true, "DateTime")],
    evaluate: ([i, v, d]) => formatVbDate(dateAdd(text(i), integerArg(v, "value"), parseDate(d, "dateTime"))),
  },
  {
    name: "DateDiff",
    parameters: [p("interval"), p("date1", true, "DateTime"), p("date2", true, "DateTime")],
    evaluate: ([i, a, b]) => String(dateDiff(text(i), parseDate(a, "date1"), parseDate(b, "date2"))),
  },
  {
    name: "DateFromNum",
    parameters: [p("value", true, "Integer")],
    evaluate: ([v]) => formatVbDate(Number(BigInt(text(v).trim() || "0") / 10000n) - FILETIME_EPOCH_MS),
  },
  {
    name: "FormatDateTime",
    parameters: [p("source"), p("dateTimeStyles", false), p("inputFormat"), p("outputFormat")],
    evaluate: ([s, , i, o]) =>
      single(s) === null ? null : formatWithFormat(parseWithFormat(text(s), text(i)), text(o)),
  },
  { name: "Guid", parameters: [], evaluate: () => randomUUID() },
  { name: "IgnoreFlowIfNullOrEmpty", parameters: [p("expression")], evaluate: ([v]) => v },
  {
    name: "IIF",
    parameters: [p("condition"), p("valueIfTrue"), p("valueIfFalse")],
    evaluate: ([c, t, f]) => (isTrue(c) ? t : f),
  },
  {
    name: "InStr",
    parameters: [p("value1"), p("value2"), p("start", false, "Integer"), p("compareType", false)],
    evaluate: ([a, b, start, compare]) => {
      const textCompare = text(compare) === "vbTextCompare";
      const hay = textCompare ? text(a).toLowerCase() : text(a);
      const needle = textCompare ? text(b).toLowerCase() : text(b);
      const from = start === null || start === undefined ? 1 : integerArg(start, "start");
      return String(hay.indexOf(needle, Math.max(0, from - 1)) + 1);
    },
  },
  { name: "IsNull", parameters: [p("expression")], evaluate: ([v]) => bool(v === null) },
  {
    name: "IsNullOrEmpty",
    parameters: [p("expression")],
    evaluate: ([v]) => bool(single(v) === null || single(v) === ""),
  },
  {
    name: "IsPresent",
    parameters: [p("expression")],
    evaluate: ([v]) => bool(single(v) !== null && single(v) !== ""),
  },
  { name: "IsString", parameters: [p("expression")], evaluate: ([v]) => bool(typeof single(v) === "string") },
  {
    name: "Item",
    parameters: [p("attribute"), p("index", true, "Integer")],
    evaluate: ([v, i]) => {
      const list = v === null ? [] : Array.isArray(v) ? v : [v];
      return list[integerArg(i, "index") - 1] ?? null;
    },
  },
  {
    name: "Join",
    parameters: [p("separator"), p("source", true, "String", true)],
    evaluate: ([sep, ...sources]) => {
      const parts = sources
        .flatMap((s) => (s === null ? [] : Array.isArray(s) ? s : [s]))
        .filter((s) => s !== "");
      return parts.join(text(sep));
    },
  },
  {
    name: "Left",
    parameters: [p("String"), p("NumChars", true, "Integer")],
    evaluate: ([s, n]) => {
      const count = integerArg(n, "NumChars");
      return count < 0 ? text(s) : text(s).slice(0, count);
    },
  },
  {
    name: "Mid",
    parameters: [p("source"), p("start", true, "Integer"), p("length", true, "Integer")],
    evaluate: ([s, start, length]) =>
      single(s) === null
        ? null
        : text(s).substr(integerArg(start, "start") - 1, integerArg(length, "length")),
  },
  {
    name: "NormalizeDiacritics",
    parameters: [p("source")],
    evaluate: ([s]) => (single(s) === null ? null : normalizeDiacritics(text(s))),
  },
  {
    name: "Not",
    parameters: [p("source", true, "Boolean")],
    evaluate: ([s]) => bool(!/^true$/i.test(text(s))),
  },
  { name: "Now", parameters: [], evaluate: (_args, ctx) => formatVbDate(ctx.nowMs) },
  {
    name: "NumFromDate",
    parameters: [p("value")],
    evaluate: ([v]) => String((BigInt(parseDate(v, "value")) + BigInt(FILETIME_EPOCH_MS)) * 10000n),
  },
  {
    name: "PCase",
    parameters: [p("source"), p("wordSeparators", false)],
    evaluate: ([s, sep]) =>
      single(s) === null ? null : pcase(text(s), sep === undefined ? null : single(sep)),
  },
  {
    name: "RandomString",
    parameters: [
      p("Length", true, "Integer"),
      p("MinimumNumbers", true, "Integer"),
      p("MinimumSpecialCharacters", true, "Integer"),
      p("MinimumCapital", true, "Integer"),
      p("MinimumLowerCase", true, "Integer"),
      p("CharactersToAvoid", false),
    ],
    evaluate: (args) => randomString(args),
  },
  { name: "Redact", parameters: [p("source")], evaluate: ([v]) => v },
  {
    name: "RemoveDuplicates",
    parameters: [p("attribute")],
    evaluate: ([v]) => (v === null ? null : Array.isArray(v) ? [...new Set(v)] : v),
  },
  {
    name: "Replace",
    parameters: [
      p("source"),
      p("Find", false),
      p("regexPattern", false),
      p("regexGroupName", false),
      p("Replacement", false),
      p("replacementAttributeName", false),
      p("template", false),
    ],
    evaluate: (args) => replace(args),
  },
  {
    name: "SelectUniqueValue",
    parameters: [p("uniqueValueRule", true, "String", true)],
    minArgs: 2,
    // The emulator has no target directory to check uniqueness against: the first rule's value wins.
    evaluate: (args) => args.find((a) => single(a) !== null && single(a) !== "") ?? null,
  },
  {
    name: "SingleAppRoleAssignment",
    parameters: [p("source")],
    evaluate: ([v]) => (v === null ? null : Array.isArray(v) ? (v[0] ?? null) : v),
  },
  {
    name: "Split",
    parameters: [p("source"), p("delimiter")],
    evaluate: ([s, d]) =>
      single(s) === null
        ? null
        : text(s)
            .split(text(d))
            .map((x) => x.trim()),
  },
  {
    name: "StripSpaces",
    parameters: [p("source")],
    evaluate: ([s]) => (single(s) === null ? null : text(s).replace(/ /g, "")),
  },
  {
    name: "Switch",
    parameters: [
      p("source"),
      p("defaultValue", false),
      p("key", true, "String", true),
      p("value", true, "String", true),
    ],
    evaluate: ([s, def, ...pairs]) => {
      const source = single(s) ?? "";
      for (let i = 0; i + 1 < pairs.length; i += 2) if (single(pairs[i]) === source) return pairs[i + 1];
      return def ?? null;
    },
  },
  {
    name: "ToLower",
    parameters: [p("source"), p("culture", false)],
    evaluate: ([s, c]) =>
      single(s) === null ? null : c ? text(s).toLocaleLowerCase(text(c)) : text(s).toLowerCase(),
  },
  {
    name: "ToUpper",
    parameters: [p("source"), p("culture", false)],
    evaluate: ([s, c]) =>
      single(s) === null ? null : c ? text(s).toLocaleUpperCase(text(c)) : text(s).toUpperCase(),
  },
  {
    name: "Word",
    parameters: [p("String"), p("WordNumber", true, "Integer"), p("delimiters")],
    evaluate: ([s, n, d]) => {
      const number = integerArg(n, "WordNumber");
      if (number < 1 || single(s) === null) return "";
      const delimiters = text(d);
      const words = [...text(s)]
        .reduce<string[]>(
          (acc, c) => {
            if (delimiters.includes(c)) acc.push("");
            else acc[acc.length - 1] += c;
            return acc;
          },
          [""],
        )
        .filter((w) => w !== "");
      return words[number - 1] ?? "";
    },
  },
];

/** The function named exactly `name` (the grammar is case-sensitive), if documented. */
export function findFunction(name: string): ExpressionFunction | undefined {
  return EXPRESSION_FUNCTIONS.find((f) => f.name === name);
}

/** Fixed prefix and repeating group of a function's parameters. */
export function parameterLayout(fn: ExpressionFunction): {
  fixed: FunctionParameter[];
  repeating: FunctionParameter[];
} {
  const firstRepeating = fn.parameters.findIndex((q) => q.allowMultipleOccurrences);
  if (firstRepeating < 0) return { fixed: fn.parameters, repeating: [] };
  return { fixed: fn.parameters.slice(0, firstRepeating), repeating: fn.parameters.slice(firstRepeating) };
}

/** The parameter an argument at `index` binds to. */
export function parameterAt(fn: ExpressionFunction, index: number): FunctionParameter | undefined {
  const { fixed, repeating } = parameterLayout(fn);
  if (index < fixed.length) return fixed[index];
  if (repeating.length === 0) return undefined;
  return repeating[(index - fixed.length) % repeating.length];
}

/** Why `argCount` arguments do not fit `fn`, or null when they do. */
export function arityProblem(fn: ExpressionFunction, argCount: number): string | null {
  const { fixed, repeating } = parameterLayout(fn);
  const requiredFixed = fixed.filter((q) => q.required).length;
  const minimum = fn.minArgs ?? requiredFixed + (repeating.some((q) => q.required) ? repeating.length : 0);
  const names = fn.parameters.map((q) => (q.allowMultipleOccurrences ? `${q.name}…` : q.name)).join(", ");
  if (argCount < minimum)
    return `${fn.name} takes at least ${minimum} argument(s) (${names}); ${argCount} given.`;
  if (repeating.length === 0 && argCount > fixed.length)
    return `${fn.name} takes at most ${fixed.length} argument(s) (${names}); ${argCount} given.`;
  if (repeating.length > 1 && argCount > fixed.length && (argCount - fixed.length) % repeating.length !== 0)
    return `${fn.name} takes ${repeating.map((q) => q.name).join("/")} arguments in groups of ${repeating.length}; ${argCount} given.`;
  return null;
}
