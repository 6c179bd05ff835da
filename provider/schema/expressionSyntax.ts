/**
 * An offline reader of attribute-mapping expressions (the grammar Microsoft documents: `[attribute]`,
 * `"string"` with `\` escapes, numbers, `&H` hex numbers, `Function(arg, , arg)` with empty
 * positions, comparisons inside conditions such as `IIF([country]="USA", …)`). `check` uses it to
 * reject bad expressions during preview, naming the character offset; `diff` uses its canonical
 * text so that whitespace never reads as a change. Graph's `parseExpression` stays the authority
 * at up time: what reaches Graph is what Graph parsed.
 */
import { describeArity, EXPRESSION_FUNCTIONS, EXPRESSION_KEYWORDS } from "./expressionFunctions";

/** The longest expression Graph accepts (ED app-provisioning/known-issues.md). */
export const MAX_EXPRESSION_LENGTH = 10_000;

/** A parsed expression. Offsets are 0-based character positions in the source text. */
export type ExpressionNode =
  | { kind: "attribute"; name: string; offset: number }
  | { kind: "constant"; value: string; offset: number }
  | { kind: "number"; text: string; offset: number }
  | { kind: "keyword"; name: string; offset: number }
  | { kind: "function"; name: string; args: (ExpressionNode | null)[]; offset: number }
  | { kind: "comparison"; operator: string; left: ExpressionNode; right: ExpressionNode; offset: number };

/** Why an expression is not valid, and where. */
export interface ExpressionError {
  /** 0-based character offset of the problem. */
  offset: number;
  message: string;
}

/** The parse result: a tree, or the first error. */
export type ParsedExpression = { ok: true; node: ExpressionNode } | { ok: false; error: ExpressionError };

const COMPARISON_OPERATORS = ["<>", "<=", ">=", "=", "<", ">"];

class Failure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses and validates `text`: syntax, documented function names and their argument counts, length. */
export function parseExpressionText(text: string): ParsedExpression {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      error: {
        offset: MAX_EXPRESSION_LENGTH,
        message: `is ${text.length} characters long; Graph accepts at most ${MAX_EXPRESSION_LENGTH}`,
      },
    };
  }
  try {
    const reader = new Reader(text);
    reader.skipSpace();
    if (reader.atEnd()) throw new Failure(0, "is empty; write an attribute, a quoted constant or a function");
    const node = reader.expression(true);
    reader.skipSpace();
    if (!reader.atEnd()) {
      throw new Failure(reader.pos, `has unexpected ${reader.describeHere()} after a complete expression`);
    }
    return { ok: true, node };
  } catch (e) {
    if (e instanceof Failure) return { ok: false, error: { offset: e.offset, message: e.message } };
    throw e;
  }
}

/** The canonical text of a tree: Graph's spacing (`Fn(a, , b)`), no insignificant whitespace. */
export function formatExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case "attribute":
      return `[${node.name}]`;
    case "constant":
      return `"${node.value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    case "number":
    case "keyword":
      return node.kind === "number" ? node.text : node.name;
    case "function":
      return `${node.name}(${node.args.map((a) => (a === null ? "" : formatExpression(a))).join(", ")})`;
    case "comparison":
      return `${formatExpression(node.left)} ${node.operator} ${formatExpression(node.right)}`;
  }
}

/**
 * The canonical text of `text` when it parses, else `text` itself (an invalid expression never
 * reaches diff: check rejects it first).
 */
export function canonicalExpressionText(text: string): string {
  const parsed = parseExpressionText(text);
  return parsed.ok ? formatExpression(parsed.node) : text;
}

class Reader {
  pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos])) this.pos++;
  }

  describeHere(): string {
    if (this.atEnd()) return "end of expression";
    return `character ${JSON.stringify(this.text[this.pos])}`;
  }

  /** An operand, optionally compared with another (`a = b`); comparisons only inside arguments. */
  expression(topLevel: boolean): ExpressionNode {
    const left = this.operand(topLevel);
    this.skipSpace();
    const operator = COMPARISON_OPERATORS.find((op) => this.text.startsWith(op, this.pos));
    if (operator === undefined) return left;
    if (topLevel) {
      throw new Failure(
        this.pos,
        `compares with "${operator}" at the top level; comparisons belong inside a condition such as IIF(…) or CBool(…)`,
      );
    }
    const at = this.pos;
    this.pos += operator.length;
    this.skipSpace();
    const right = this.operand(false);
    return { kind: "comparison", operator, left, right, offset: at };
  }

  private operand(topLevel: boolean): ExpressionNode {
    this.skipSpace();
    const start = this.pos;
    const c = this.text[this.pos];
    if (c === "[") return this.attribute();
    if (c === '"') return this.constant();
    if (c === "&" && /^&H[0-9A-Fa-f]+/.test(this.text.slice(this.pos, this.pos + 20))) {
      const m = /^&H[0-9A-Fa-f]+/.exec(this.text.slice(this.pos))!;
      this.pos += m[0].length;
      return { kind: "number", text: m[0], offset: start };
    }
    const number = /^-?\d+(\.\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (number) {
      this.pos += number[0].length;
      return { kind: "number", text: number[0], offset: start };
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!word) {
      throw new Failure(
        start,
        `has unexpected ${this.describeHere()}; expected an [attribute], a "constant", a number or a Function(…)`,
      );
    }
    this.pos += word[0].length;
    this.skipSpace();
    if (this.text[this.pos] === "(") return this.call(word[0], start);
    if (!topLevel && EXPRESSION_KEYWORDS.includes(word[0])) {
      return { kind: "keyword", name: word[0], offset: start };
    }
    throw new Failure(
      start,
      `has the bare word ${word[0]}: write an attribute in square brackets ([${word[0]}]), a constant in double quotes ("${word[0]}"), or call a function (${word[0]}(…))`,
    );
  }

  private attribute(): ExpressionNode {
    const start = this.pos;
    const end = this.text.indexOf("]", start + 1);
    if (end < 0) throw new Failure(start, `has "[" without a closing "]"`);
    const name = this.text.slice(start + 1, end);
    if (name.trim() === "") throw new Failure(start, "has an empty attribute name []");
    if (name.includes("["))
      throw new Failure(start + 1 + name.indexOf("["), `has "[" inside an attribute name`);
    this.pos = end + 1;
    return { kind: "attribute", name, offset: start };
  }

  private constant(): ExpressionNode {
    const start = this.pos;
    let value = "";
    let i = start + 1;
    for (;;) {
      if (i >= this.text.length) {
        throw new Failure(start, `has a string constant without its closing double quote`);
      }
      const ch = this.text[i];
      if (ch === "\\" && i + 1 < this.text.length) {
        value += this.text[i + 1];
        i += 2;
        continue;
      }
      if (ch === '"') break;
      value += ch;
      i++;
    }
    this.pos = i + 1;
    return { kind: "constant", value, offset: start };
  }

  private call(name: string, start: number): ExpressionNode {
    const arity = EXPRESSION_FUNCTIONS[name];
    if (arity === undefined) {
      const near = Object.keys(EXPRESSION_FUNCTIONS).find((f) => f.toLowerCase() === name.toLowerCase());
      throw new Failure(
        start,
        `calls unknown function ${name}` +
          (near ? ` (function names are case-sensitive: ${near})` : "") +
          `; Graph documents ${Object.keys(EXPRESSION_FUNCTIONS).join(", ")}`,
      );
    }
    this.pos++; // "("
    const args: (ExpressionNode | null)[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ")") {
      this.pos++;
    } else {
      for (;;) {
        this.skipSpace();
        const c = this.text[this.pos];
        args.push(c === "," || c === ")" ? null : this.expression(false));
        this.skipSpace();
        if (this.text[this.pos] === ",") {
          this.pos++;
          continue;
        }
        if (this.text[this.pos] === ")") {
          this.pos++;
          break;
        }
        throw new Failure(
          this.pos,
          `has ${this.describeHere()} in the arguments of ${name}; expected "," or ")"`,
        );
      }
    }
    const count = args.length;
    if (count < arity.min || count > arity.max || (arity.even === true && count % 2 !== 0)) {
      throw new Failure(
        start,
        `calls ${name} with ${count} argument${count === 1 ? "" : "s"}; it takes ${describeArity(arity)}`,
      );
    }
    if (args[0] === null && count > 0) {
      throw new Failure(start, `calls ${name} without its first argument`);
    }
    return { kind: "function", name, args, offset: start };
  }
}
