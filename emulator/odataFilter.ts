/**
 * A small OData `$filter` parser and evaluator: the subset Graph clients send to the endpoints the emulator
 * serves — `eq ne gt ge lt le`, `and or not`, parentheses, `contains/startswith/endswith`, `tolower/toupper`,
 * property paths (`servicePrincipal/id`), and one-level lambdas (`categories/any(c:contains(c,'x'))`).
 * Unquoted dates (`2023-07-30`, `2023-07-30T10:00:00Z`) compare as instants; strings compare case-sensitively,
 * as Graph's provisioning-log filters do (graph-api.md §10), unless {@link FilterMatchOptions} says otherwise.
 */

/** A malformed or unsupported `$filter`; the message says what was wrong. */
export class FilterSyntaxError extends Error {
  override readonly name = "FilterSyntaxError";
}

type Literal = { kind: "literal"; value: string | number | boolean | null; isDate: boolean };
type ValueNode =
  | Literal
  | { kind: "property"; path: string[] }
  | { kind: "case"; fn: "tolower" | "toupper"; arg: ValueNode };
type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

/** Parsed `$filter` expression. */
export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "not"; operand: FilterNode }
  | { kind: "compare"; op: CompareOp; left: ValueNode; right: ValueNode }
  | { kind: "text"; fn: "contains" | "startswith" | "endswith"; args: [ValueNode, ValueNode] }
  | { kind: "any"; path: string[]; variable: string; body: FilterNode };

const COMPARE_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const NUMBER_RE = /^-?\d+(\.\d+)?$/;
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Token =
  | { type: "punct"; value: "(" | ")" | "," }
  | { type: "string"; value: string }
  | { type: "word"; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ type: "punct", value: ch });
      i++;
    } else if (ch === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterSyntaxError("unterminated string literal");
        if (text[i] === "'") {
          // OData escapes a quote inside a string literal by doubling it.
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: "string", value });
    } else {
      let word = "";
      while (i < text.length && !/[\s(),']/.test(text[i])) word += text[i++];
      tokens.push({ type: "word", value: word });
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  private readonly variables: string[] = [];
  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.orExpr();
    if (this.pos < this.tokens.length)
      throw new FilterSyntaxError(`unexpected '${this.tokens[this.pos].value}'`);
    return node;
  }

  private peekWord(): string | undefined {
    const t = this.tokens[this.pos];
    return t?.type === "word" ? t.value : undefined;
  }

  private expect(value: "(" | ")" | ","): void {
    const t = this.tokens[this.pos];
    if (t?.type !== "punct" || t.value !== value) {
      throw new FilterSyntaxError(
        `expected '${value}'${t ? ` but found '${t.value}'` : " at end of expression"}`,
      );
    }
    this.pos++;
  }

  private orExpr(): FilterNode {
    let left = this.andExpr();
    while (this.peekWord() === "or") {
      this.pos++;
      left = { kind: "or", left, right: this.andExpr() };
    }
    return left;
  }

  private andExpr(): FilterNode {
    let left = this.unary();
    while (this.peekWord() === "and") {
      this.pos++;
      left = { kind: "and", left, right: this.unary() };
    }
    return left;
  }

  private unary(): FilterNode {
    if (this.peekWord() === "not") {
      this.pos++;
      return { kind: "not", operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): FilterNode {
    const t = this.tokens[this.pos];
    if (!t) throw new FilterSyntaxError("unexpected end of expression");
    if (t.type === "punct" && t.value === "(") {
      this.pos++;
      const inner = this.orExpr();
      this.expect(")");
      return inner;
    }
    if (t.type === "word" && ["contains", "startswith", "endswith"].includes(t.value)) {
      this.pos++;
      this.expect("(");
      const a = this.value();
      this.expect(",");
      const b = this.value();
      this.expect(")");
      return { kind: "text", fn: t.value as "contains" | "startswith" | "endswith", args: [a, b] };
    }
    if (t.type === "word" && /\/any$/.test(t.value)) {
      this.pos++;
      this.expect("(");
      const head = this.tokens[this.pos];
      const m = head?.type === "word" ? /^([A-Za-z_]\w*):(.*)$/.exec(head.value) : null;
      if (!m) throw new FilterSyntaxError("expected 'variable:' inside any()");
      // The lambda variable and the start of its body share one word token (`c:contains`); split them.
      if (m[2]) this.tokens[this.pos] = { type: "word", value: m[2] };
      else this.pos++;
      this.variables.push(m[1]);
      const body = this.orExpr();
      this.variables.pop();
      this.expect(")");
      return { kind: "any", path: t.value.split("/").slice(0, -1), variable: m[1], body };
    }
    const left = this.value();
    const op = this.peekWord();
    if (!op || !COMPARE_OPS.has(op)) {
      throw new FilterSyntaxError(
        `expected a comparison operator (eq, ne, gt, ge, lt, le)${op ? ` but found '${op}'` : ""}`,
      );
    }
    this.pos++;
    return { kind: "compare", op: op as CompareOp, left, right: this.value() };
  }

  private value(): ValueNode {
    const t = this.tokens[this.pos++];
    if (!t) throw new FilterSyntaxError("unexpected end of expression");
    if (t.type === "string") return { kind: "literal", value: t.value, isDate: false };
    if (t.type === "punct") throw new FilterSyntaxError(`unexpected '${t.value}'`);
    const w = t.value;
    if (w === "tolower" || w === "toupper") {
      this.expect("(");
      const arg = this.value();
      this.expect(")");
      return { kind: "case", fn: w, arg };
    }
    if (w === "true" || w === "false") return { kind: "literal", value: w === "true", isDate: false };
    if (w === "null") return { kind: "literal", value: null, isDate: false };
    if (DATE_RE.test(w)) return { kind: "literal", value: w, isDate: true };
    if (NUMBER_RE.test(w)) return { kind: "literal", value: Number(w), isDate: false };
    if (GUID_RE.test(w)) return { kind: "literal", value: w, isDate: false };
    if (!/^[A-Za-z_@$][\w./@$]*$/.test(w)) throw new FilterSyntaxError(`unexpected '${w}'`);
    return { kind: "property", path: w.split("/") };
  }
}

/** Parses a `$filter` expression; throws `FilterSyntaxError` naming the problem. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new FilterSyntaxError("empty expression");
  return new Parser(tokens).parse();
}

/** Every property path (as `a/b`) a filter reads, so an endpoint can reject properties it does not filter on. */
export function filterProperties(node: FilterNode, bound: string[] = []): string[] {
  const fromValue = (v: ValueNode): string[] =>
    v.kind === "property"
      ? bound.includes(v.path[0])
        ? []
        : [v.path.join("/")]
      : v.kind === "case"
        ? fromValue(v.arg)
        : [];
  switch (node.kind) {
    case "and":
    case "or":
      return [...filterProperties(node.left, bound), ...filterProperties(node.right, bound)];
    case "not":
      return filterProperties(node.operand, bound);
    case "compare":
      return [...fromValue(node.left), ...fromValue(node.right)];
    case "text":
      return [...fromValue(node.args[0]), ...fromValue(node.args[1])];
    case "any":
      return [node.path.join("/"), ...filterProperties(node.body, [...bound, node.variable])];
  }
}

type Scope = Record<string, unknown>;

/** How {@link matchesFilter} compares text. */
export interface FilterMatchOptions {
  /**
   * `contains`, `startswith` and `endswith` ignore case, as Graph's gallery search does
   * (`contains(displayName,'salesf')` finds "Salesforce", graph-api.md §1). Comparisons (`eq`, …) stay exact.
   * Defaults to false (case-sensitive).
   */
  caseInsensitiveText?: boolean;
}

function resolve(path: string[], item: unknown, scope: Scope): unknown {
  let current: unknown =
    path[0] in scope ? scope[path[0]] : (item as Record<string, unknown> | null)?.[path[0]];
  for (const segment of path.slice(1)) {
    current =
      current && typeof current === "object" ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return current === undefined ? null : current;
}

function valueOf(node: ValueNode, item: unknown, scope: Scope): { value: unknown; isDate: boolean } {
  if (node.kind === "literal") return { value: node.value, isDate: node.isDate };
  if (node.kind === "property") return { value: resolve(node.path, item, scope), isDate: false };
  const inner = valueOf(node.arg, item, scope).value;
  return {
    value:
      typeof inner === "string" ? (node.fn === "tolower" ? inner.toLowerCase() : inner.toUpperCase()) : inner,
    isDate: false,
  };
}

function compare(
  op: CompareOp,
  a: { value: unknown; isDate: boolean },
  b: { value: unknown; isDate: boolean },
): boolean {
  let x = a.value;
  let y = b.value;
  if ((a.isDate || b.isDate) && x !== null && y !== null) {
    x = Date.parse(String(x));
    y = Date.parse(String(y));
  }
  if (op === "eq") return x === y;
  if (op === "ne") return x !== y;
  if (x === null || y === null) return false;
  const xs = x as number | string;
  const ys = y as number | string;
  switch (op) {
    case "gt":
      return xs > ys;
    case "ge":
      return xs >= ys;
    case "lt":
      return xs < ys;
    default:
      return xs <= ys;
  }
}

/** Evaluates a parsed filter against one JSON object. `scope` binds lambda variables (used by `any()`). */
export function matchesFilter(
  node: FilterNode,
  item: unknown,
  scope: Scope = {},
  options: FilterMatchOptions = {},
): boolean {
  switch (node.kind) {
    case "and":
      return (
        matchesFilter(node.left, item, scope, options) && matchesFilter(node.right, item, scope, options)
      );
    case "or":
      return (
        matchesFilter(node.left, item, scope, options) || matchesFilter(node.right, item, scope, options)
      );
    case "not":
      return !matchesFilter(node.operand, item, scope, options);
    case "compare":
      return compare(node.op, valueOf(node.left, item, scope), valueOf(node.right, item, scope));
    case "text": {
      const hay = valueOf(node.args[0], item, scope).value;
      const needle = valueOf(node.args[1], item, scope).value;
      if (typeof hay !== "string" || typeof needle !== "string") return false;
      const fold = (text: string) => (options.caseInsensitiveText ? text.toLowerCase() : text);
      const [h, n] = [fold(hay), fold(needle)];
      if (node.fn === "contains") return h.includes(n);
      return node.fn === "startswith" ? h.startsWith(n) : h.endsWith(n);
    }
    case "any": {
      const collection = resolve(node.path, item, scope);
      if (!Array.isArray(collection)) return false;
      return collection.some((element) =>
        matchesFilter(node.body, item, { ...scope, [node.variable]: element }, options),
      );
    }
  }
}
