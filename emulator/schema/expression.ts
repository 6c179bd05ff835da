/**
 * The attribute-mapping expression grammar (entra-docs "Reference for writing expressions for attribute
 * mappings"): attributes `[name]`, string constants `"…"` (a `"` or `\` inside is escaped with `\`),
 * function calls whose arguments may be left empty (`Replace([x], "-", , , "_", , )`), plus what the
 * reference's examples use: integer literals (`Left([x], 3)`, `DateAdd("d", -10, …)`), VBA hex literals
 * (`&HF`), bare enum names (`vbTextCompare`) and one comparison in a condition (`[country]="USA"`).
 * Parsing gives a tree; printing it gives Graph's canonical text (arguments separated by ", ", an empty
 * argument printed as nothing: parseExpression's documented example). The tree converts to and from
 * `attributeMappingSource`, whose function parameters are keyed by the function's parameter names and
 * list only supplied arguments.
 */
import {
  arityProblem,
  EvaluationError,
  EXPRESSION_FUNCTIONS,
  findFunction,
  parameterAt,
  parameterLayout,
  type ExpressionValue,
  type FunctionContext,
} from "./expressionFunctions";
import type { AttributeMappingSource } from "./schemaTypes";

/** Longest expression Graph accepts (entra-docs app-provisioning/known-issues.md). */
export const MAX_EXPRESSION_LENGTH = 10_000;

/** Comparison operators the reference allows in a condition. */
const COMPARISONS = ["<>", ">=", "<=", "=", ">", "<"] as const;
type Comparison = (typeof COMPARISONS)[number];

/** A parsed expression. */
export type ExpressionNode =
  | { kind: "attribute"; name: string }
  | { kind: "string"; value: string }
  /** Integer, hex or bare-name literal, kept as written. */
  | { kind: "literal"; text: string }
  | { kind: "function"; name: string; args: (ExpressionNode | null)[] }
  | { kind: "comparison"; operator: Comparison; left: ExpressionNode; right: ExpressionNode };

/** A syntax error, with the 0-based character position it was found at. */
export class ExpressionSyntaxError extends Error {
  override readonly name = "ExpressionSyntaxError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (at character ${position + 1})`);
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly src: string) {}

  parseAll(): ExpressionNode {
    if (this.src.length > MAX_EXPRESSION_LENGTH)
      throw new ExpressionSyntaxError(
        `The expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
        MAX_EXPRESSION_LENGTH,
      );
    this.skip();
    if (this.pos >= this.src.length) throw new ExpressionSyntaxError("The expression is empty", 0);
    const node = this.parseCondition();
    this.skip();
    if (this.pos < this.src.length)
      throw new ExpressionSyntaxError(
        `Unexpected '${this.src[this.pos]}' after the end of the expression`,
        this.pos,
      );
    return node;
  }

  private skip(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  private parseCondition(): ExpressionNode {
    const left = this.parseTerm();
    this.skip();
    const operator = COMPARISONS.find((op) => this.src.startsWith(op, this.pos));
    if (!operator) return left;
    this.pos += operator.length;
    this.skip();
    const right = this.parseTerm();
    return { kind: "comparison", operator, left, right };
  }

  private parseTerm(): ExpressionNode {
    const c = this.src[this.pos];
    const start = this.pos;
    if (c === undefined)
      throw new ExpressionSyntaxError("The expression ends where a value was expected", start);
    if (c === "[") {
      const end = this.src.indexOf("]", start + 1);
      if (end < 0) throw new ExpressionSyntaxError("An attribute name is missing its closing ']'", start);
      const name = this.src.slice(start + 1, end);
      if (name.trim() === "") throw new ExpressionSyntaxError("An attribute name is empty", start);
      this.pos = end + 1;
      return { kind: "attribute", name };
    }
    if (c === '"') return this.parseString();
    const number = /^(-?\d+|&H[0-9A-Fa-f]+)/.exec(this.src.slice(start));
    if (number) {
      this.pos += number[0].length;
      return { kind: "literal", text: number[0] };
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(start));
    if (!ident) throw new ExpressionSyntaxError(`Unexpected '${c}' where a value was expected`, start);
    this.pos += ident[0].length;
    this.skip();
    if (this.src[this.pos] !== "(") return { kind: "literal", text: ident[0] };
    return this.parseCall(ident[0], start);
  }

  private parseString(): ExpressionNode {
    const start = this.pos;
    let value = "";
    this.pos++;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined)
        throw new ExpressionSyntaxError("A string constant is missing its closing '\"'", start);
      this.pos++;
      if (c === '"') return { kind: "string", value };
      if (c === "\\" && (this.src[this.pos] === '"' || this.src[this.pos] === "\\")) {
        value += this.src[this.pos];
        this.pos++;
      } else value += c;
    }
  }

  private parseCall(name: string, start: number): ExpressionNode {
    const fn = findFunction(name);
    if (!fn) {
      const near = findFunctionIgnoringCase(name);
      throw new ExpressionSyntaxError(
        `Unknown function '${name}'${near ? ` (function names are case-sensitive: did you mean '${near}'?)` : ""}`,
        start,
      );
    }
    this.pos++; // "("
    const args: (ExpressionNode | null)[] = [];
    this.skip();
    if (this.src[this.pos] === ")") {
      this.pos++;
    } else {
      for (;;) {
        this.skip();
        const c = this.src[this.pos];
        if (c === "," || c === ")") args.push(null);
        else args.push(this.parseCondition());
        this.skip();
        const sep = this.src[this.pos];
        if (sep === ",") {
          this.pos++;
          continue;
        }
        if (sep === ")") {
          this.pos++;
          break;
        }
        throw new ExpressionSyntaxError(
          sep === undefined
            ? `Function '${name}' is missing its closing ')'`
            : `Expected ',' or ')' but found '${sep}'`,
          this.pos,
        );
      }
    }
    const problem = arityProblem(fn, args.length);
    if (problem) throw new ExpressionSyntaxError(problem, start);
    args.forEach((arg, i) => {
      const param = parameterAt(fn, i);
      if (arg === null && param?.required)
        throw new ExpressionSyntaxError(
          `${name}: required argument '${param.name}' (position ${i + 1}) is empty`,
          start,
        );
    });
    return { kind: "function", name, args };
  }
}

function findFunctionIgnoringCase(name: string): string | undefined {
  const lower = name.toLowerCase();
  return EXPRESSION_FUNCTIONS.find((f) => f.name.toLowerCase() === lower)?.name;
}

/** Parses an expression; throws ExpressionSyntaxError naming what is wrong and where. */
export function parseExpression(expression: string): ExpressionNode {
  return new Parser(expression).parseAll();
}

/** A string constant as the grammar writes it. */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Graph's canonical text of a parsed expression. */
export function printExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case "attribute":
      return `[${node.name}]`;
    case "string":
      return quote(node.value);
    case "literal":
      return node.text;
    case "comparison":
      return `${printExpression(node.left)} ${node.operator} ${printExpression(node.right)}`;
    case "function":
      return `${node.name}(${node.args.map((a) => (a === null ? "" : printExpression(a))).join(", ")})`;
  }
}

/** The expression's canonical form (parse + print). */
export function canonicalExpression(expression: string): string {
  return printExpression(parseExpression(expression));
}

/** The attributeMappingSource Graph returns for a parsed expression. */
export function toMappingSource(node: ExpressionNode): AttributeMappingSource {
  const expression = printExpression(node);
  switch (node.kind) {
    case "attribute":
      return { expression, name: node.name, parameters: [], type: "Attribute" };
    case "string":
      return { expression, name: node.value, parameters: [], type: "Constant" };
    case "literal":
      return { expression, name: node.text, parameters: [], type: "Constant" };
    case "comparison":
      // How Graph represents a comparison inside attributeMappingSource is undocumented (unverified).
      return {
        expression,
        name: node.operator,
        parameters: [
          { key: "left", value: toMappingSource(node.left) },
          { key: "right", value: toMappingSource(node.right) },
        ],
        type: "Function",
      };
    case "function": {
      const fn = findFunction(node.name);
      const parameters: AttributeMappingSource["parameters"] = [];
      node.args.forEach((arg, i) => {
        if (arg !== null)
          parameters.push({ key: parameterAt(fn!, i)?.name ?? `arg${i + 1}`, value: toMappingSource(arg) });
      });
      return { expression, name: node.name, parameters, type: "Function" };
    }
  }
}

/**
 * The expression a source without `expression` stands for (PUT bodies may send only `{name, type}`, as
 * Microsoft's tutorial does). Function parameters are placed by their keys; throws naming the problem.
 */
export function expressionOfSource(source: Partial<AttributeMappingSource>, where: string): ExpressionNode {
  if (typeof source.expression === "string" && source.expression !== "")
    return parseExpression(source.expression);
  const name = source.name;
  if (typeof name !== "string")
    throw new ExpressionSyntaxError(`${where}: a source needs an expression or a name`, 0);
  const type = source.type ?? "Attribute";
  if (type === "Attribute") return { kind: "attribute", name };
  if (type === "Constant") return { kind: "string", value: name };
  if (type !== "Function")
    throw new ExpressionSyntaxError(
      `${where}.type: '${String(type)}' is not Attribute, Constant or Function`,
      0,
    );
  const fn = findFunction(name);
  if (!fn) throw new ExpressionSyntaxError(`${where}: unknown function '${name}'`, 0);
  const args: (ExpressionNode | null)[] = [];
  const { fixed, repeating } = parameterLayout(fn);
  const used = new Map<string, number>();
  for (const [i, pair] of (source.parameters ?? []).entries()) {
    const value = expressionOfSource(pair.value, `${where}.parameters[${i}].value`);
    const occurrence = used.get(pair.key) ?? 0;
    used.set(pair.key, occurrence + 1);
    let index = fixed.findIndex((q) => q.name === pair.key);
    if (index < 0) {
      const r = repeating.findIndex((q) => q.name === pair.key);
      if (r < 0)
        throw new ExpressionSyntaxError(
          `${where}.parameters[${i}].key: '${pair.key}' is not a parameter of ${name} (${fn.parameters.map((q) => q.name).join(", ")})`,
          0,
        );
      index = fixed.length + occurrence * repeating.length + r;
    } else if (occurrence > 0) {
      throw new ExpressionSyntaxError(`${where}.parameters[${i}].key: '${pair.key}' appears twice`, 0);
    }
    while (args.length <= index) args.push(null);
    args[index] = value;
  }
  // Trailing empty optional slots are printed as Graph prints them when the function's arity is fixed.
  if (repeating.length === 0) while (args.length < fixed.length) args.push(null);
  const printed = printExpression({ kind: "function", name, args });
  return parseExpression(printed);
}

/** Input attributes for an evaluation: single or multi-valued strings; absent = null. */
export type ExpressionInput = Record<string, ExpressionValue>;

/** Outcome of evaluating an expression for one object. */
export interface EvaluationOutcome {
  /** The value(s); empty when null. */
  values: string[];
  /** IgnoreFlowIfNullOrEmpty dropped the attribute from the flow. */
  ignored: boolean;
  /** Redact() was applied: logs show "[Redact]" instead of the value. */
  redacted: boolean;
}

/** Evaluates a parsed expression over an input object; throws EvaluationError on bad input. */
export function evaluateExpression(
  node: ExpressionNode,
  input: ExpressionInput,
  context: FunctionContext = { nowMs: Date.now() },
): EvaluationOutcome {
  let ignored = false;
  let redacted = false;
  const lookup = (name: string): ExpressionValue => {
    if (name in input) return input[name];
    const key = Object.keys(input).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : input[key];
  };
  const evaluate = (n: ExpressionNode): ExpressionValue => {
    switch (n.kind) {
      case "attribute":
        return lookup(n.name);
      case "string":
        return n.value;
      case "literal":
        return n.text;
      case "comparison":
        return compare(n.operator, evaluate(n.left), evaluate(n.right)) ? "True" : "False";
      case "function": {
        const fn = findFunction(n.name)!;
        const args = n.args.map((a) => (a === null ? null : evaluate(a)));
        const value = fn.evaluate(args, context);
        if (n.name === "Redact") redacted = true;
        if (n.name === "IgnoreFlowIfNullOrEmpty") {
          const v = Array.isArray(value) ? value[0] : value;
          if (v === null || v === undefined || v === "") ignored = true;
        }
        return value;
      }
    }
  };
  const value = evaluate(node);
  const values = value === null ? [] : Array.isArray(value) ? value : [value];
  return { values, ignored, redacted };
}

function compare(operator: Comparison, left: ExpressionValue, right: ExpressionValue): boolean {
  const a = Array.isArray(left) ? (left[0] ?? null) : left;
  const b = Array.isArray(right) ? (right[0] ?? null) : right;
  // "If the source attribute used within the IIF function is empty or null, the condition check fails."
  if (a === null || b === null || a === "") return false;
  const numeric = a.trim() !== "" && b.trim() !== "" && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b));
  const [x, y]: [number | string, number | string] = numeric ? [Number(a), Number(b)] : [a, b];
  switch (operator) {
    case "=":
      return x === y;
    case "<>":
      return x !== y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
    case "<":
      return x < y;
    case "<=":
      return x <= y;
  }
}

export { EvaluationError };
