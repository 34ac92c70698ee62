// Long on purpose: one lexer and one grammar read top to bottom; split, the precedence levels would scatter.
// Lexer and recursive-descent parser for the Deluge subset of the Script console.
// Pure TypeScript: no server or browser APIs.

import {
  HTTP_METHODS,
  INVOKEURL_KEYS,
  METHOD_ARITY,
  type Expr,
  type HttpMethod,
  type InvokeUrlKey,
  type InvokeUrlParam,
  type MethodName,
  type Pos,
  type Program,
  type Statement,
} from "./ast";

export * from "./ast";

/** A syntax error at a 1-based line and column (UTF-16 code units) of the source. */
export class DelugeParseError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = "DelugeParseError";
    this.line = line;
    this.column = column;
  }
}

/** Deeper nesting than this (parentheses, braces, unary minus, method chains) is refused. */
export const MAX_NESTING = 200;

// ---------------------------------------------------------------------------
// Lexer

type TokenKind = "ident" | "string" | "number" | "punct" | "eof";

interface Token {
  kind: TokenKind;
  /** Identifier name, punctuation character, decoded string, or number text. */
  value: string;
  line: number;
  column: number;
  /** Offsets into the source: [start, end). */
  start: number;
  end: number;
  /** Position just after the token. */
  endLine: number;
  endColumn: number;
}

const PUNCT = new Set([";", "=", "+", "-", "(", ")", "[", "]", "{", "}", ",", ":", "."]);
const WHITESPACE = new Set([" ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\ufeff"]);

function isIdentStart(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_";
}
function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || isDigit(c);
}

class Lexer {
  private i = 0;
  private line = 1;
  private col = 1;

  constructor(private readonly src: string) {}

  /** Advances one code unit, keeping line/column. `\r\n`, `\r` and `\n` each end a line. */
  private advance(): void {
    const c = this.src[this.i];
    this.i++;
    if (c === "\n" || (c === "\r" && this.src[this.i] !== "\n")) {
      this.line++;
      this.col = 1;
    } else {
      this.col++;
    }
  }

  private skipTrivia(): void {
    const s = this.src;
    while (this.i < s.length) {
      const c = s[this.i];
      if (WHITESPACE.has(c)) {
        this.advance();
      } else if (c === "/" && s[this.i + 1] === "/") {
        while (this.i < s.length && s[this.i] !== "\n" && s[this.i] !== "\r") this.advance();
      } else if (c === "/" && s[this.i + 1] === "*") {
        const line = this.line;
        const column = this.col;
        this.advance();
        this.advance();
        for (;;) {
          if (this.i >= s.length) throw new DelugeParseError("Unterminated block comment", line, column);
          if (s[this.i] === "*" && s[this.i + 1] === "/") {
            this.advance();
            this.advance();
            break;
          }
          this.advance();
        }
      } else {
        return;
      }
    }
  }

  next(): Token {
    this.skipTrivia();
    const s = this.src;
    const start = this.i;
    const line = this.line;
    const column = this.col;
    const make = (kind: TokenKind, value: string): Token => ({
      kind,
      value,
      line,
      column,
      start,
      end: this.i,
      endLine: this.line,
      endColumn: this.col,
    });
    if (this.i >= s.length) return make("eof", "");
    const c = s[this.i];
    if (isIdentStart(c)) {
      while (this.i < s.length && isIdentPart(s[this.i])) this.advance();
      return make("ident", s.slice(start, this.i));
    }
    if (isDigit(c)) {
      while (this.i < s.length && isDigit(s[this.i])) this.advance();
      if (s[this.i] === "." && isDigit(s[this.i + 1] ?? "")) {
        this.advance();
        while (this.i < s.length && isDigit(s[this.i])) this.advance();
      }
      return make("number", s.slice(start, this.i));
    }
    if (c === '"' || c === "'") return this.string(c, line, column, start);
    if (PUNCT.has(c)) {
      this.advance();
      return make("punct", c);
    }
    const cp = s.codePointAt(this.i) ?? 0;
    throw new DelugeParseError(`Unexpected character ${JSON.stringify(String.fromCodePoint(cp))}`, line, column);
  }

  /** A string literal. Escapes: \" \' \\ \n \t \r; any other backslash is kept as is. No raw line breaks. */
  private string(quote: string, line: number, column: number, start: number): Token {
    const s = this.src;
    this.advance();
    let out = "";
    for (;;) {
      if (this.i >= s.length) throw new DelugeParseError("Unterminated string", line, column);
      const c = s[this.i];
      if (c === quote) {
        this.advance();
        break;
      }
      if (c === "\n" || c === "\r") throw new DelugeParseError("Unterminated string", line, column);
      if (c === "\\") {
        const e = s[this.i + 1];
        if (e === undefined || e === "\n" || e === "\r") {
          throw new DelugeParseError("Unterminated string", line, column);
        }
        this.advance();
        this.advance();
        if (e === "n") out += "\n";
        else if (e === "t") out += "\t";
        else if (e === "r") out += "\r";
        else if (e === '"' || e === "'" || e === "\\") out += e;
        else out += "\\" + e;
        continue;
      }
      out += c;
      this.advance();
    }
    return {
      kind: "string",
      value: out,
      line,
      column,
      start,
      end: this.i,
      endLine: this.line,
      endColumn: this.col,
    };
  }
}

// ---------------------------------------------------------------------------
// Parser

function describe(t: Token): string {
  switch (t.kind) {
    case "eof":
      return "end of script";
    case "string":
      return "a string";
    case "number":
      return `number ${t.value}`;
    case "ident":
      return `"${t.value}"`;
    default:
      return JSON.stringify(t.value);
  }
}

const KEYWORDS = new Set(["info", "invokeurl", "true", "false", "null"]);
const METHOD_BY_LOWER = new Map<string, MethodName>((Object.keys(METHOD_ARITY) as MethodName[]).map((m) => [m.toLowerCase(), m]));

function asHttpMethod(name: string): HttpMethod | undefined {
  const upper = name.toUpperCase();
  return (HTTP_METHODS as readonly string[]).includes(upper) ? (upper as HttpMethod) : undefined;
}

class Parser {
  private readonly lexer: Lexer;
  private readonly buf: Token[] = [];
  /** End of the last consumed token, for "expected ; after statement". */
  private prevEnd: Pos = { line: 1, column: 1 };
  private depth = 0;

  constructor(src: string) {
    this.lexer = new Lexer(src);
  }

  private peek(n = 0): Token {
    while (this.buf.length <= n) {
      const last = this.buf[this.buf.length - 1];
      // Never lex past the end of the script.
      this.buf.push(last && last.kind === "eof" ? last : this.lexer.next());
    }
    return this.buf[n];
  }

  private take(): Token {
    const t = this.peek();
    this.buf.shift();
    this.prevEnd = { line: t.endLine, column: t.endColumn };
    return t;
  }

  private is(value: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === "punct" && t.value === value;
  }

  private isIdent(name: string, n = 0): boolean {
    const t = this.peek(n);
    return t.kind === "ident" && t.value === name;
  }

  private fail(message: string, at: Pos): never {
    throw new DelugeParseError(message, at.line, at.column);
  }

  private expect(value: string, message: string): Token {
    if (!this.is(value)) this.fail(message, this.peek());
    return this.take();
  }

  private enter(at: Pos): void {
    this.depth++;
    if (this.depth > MAX_NESTING) this.fail("Expression is nested too deeply", at);
  }

  parseProgram(): Program {
    const statements: Statement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === "eof") break;
      if (this.is(";")) {
        this.take(); // empty statement
        continue;
      }
      statements.push(this.statement());
    }
    return { statements };
  }

  private endStatement(): void {
    if (!this.is(";")) this.fail('Expected ";" after statement', this.prevEnd);
    this.take();
  }

  private statement(): Statement {
    const t = this.peek();
    const pos: Pos = { line: t.line, column: t.column };
    if (t.kind === "ident" && t.value === "info") {
      this.take();
      const n = this.peek();
      if (n.kind === "eof" || (n.kind === "punct" && (n.value === ";" || n.value === "="))) {
        this.fail("Expected expression after info", n);
      }
      const value = this.expression();
      this.endStatement();
      return { kind: "info", value, pos };
    }
    if (t.kind === "ident" && this.is("=", 1)) {
      if (KEYWORDS.has(t.value)) this.fail(`Cannot assign to "${t.value}"`, t);
      this.take();
      this.take();
      const value = this.expression();
      this.endStatement();
      return { kind: "assign", name: t.value, value, pos };
    }
    if (t.kind === "punct" && !["(", "{", "-"].includes(t.value)) {
      this.fail(`Expected a statement but found ${describe(t)}`, t);
    }
    const expr = this.expression();
    if (expr.kind !== "call" && expr.kind !== "invokeurl") {
      this.fail("Expected an assignment, info or a method call", pos);
    }
    this.endStatement();
    return { kind: "expr", expr, pos };
  }

  private expression(): Expr {
    const first = this.unary();
    if (!this.is("+") && !this.is("-")) return first;
    const operands: Expr[] = [first];
    const ops: ("+" | "-")[] = [];
    while (this.is("+") || this.is("-")) {
      ops.push(this.take().value as "+" | "-");
      operands.push(this.unary());
    }
    return { kind: "sum", operands, ops, pos: first.pos };
  }

  private unary(): Expr {
    const t = this.peek();
    this.enter(t);
    try {
      if (this.is("-")) {
        this.take();
        const n = this.peek();
        if (n.kind === "number") {
          // Fold a negative number literal, then allow method calls on it.
          this.take();
          return this.postfix({ kind: "number", value: -Number(n.value), pos: { line: t.line, column: t.column } });
        }
        const operand = this.unary();
        return { kind: "negate", operand, pos: { line: t.line, column: t.column } };
      }
      return this.postfix(this.primary());
    } finally {
      this.depth--;
    }
  }

  private postfix(target: Expr): Expr {
    let expr = target;
    let links = 0;
    try {
      while (this.is(".")) {
        const dot = this.take();
        this.enter(dot);
        links++;
        const nameTok = this.peek();
        if (nameTok.kind !== "ident") this.fail('Expected a method name after "."', nameTok);
        this.take();
        const method = METHOD_BY_LOWER.get(nameTok.value.toLowerCase());
        if (!method) this.fail(`Unknown method "${nameTok.value}"`, nameTok);
        this.expect("(", `Expected "(" after "${nameTok.value}"`);
        const args: Expr[] = [];
        if (!this.is(")")) {
          for (;;) {
            args.push(this.expression());
            if (this.is(",")) {
              this.take();
              continue;
            }
            break;
          }
        }
        this.expect(")", `Expected ")" to close the call of "${nameTok.value}"`);
        const arity = METHOD_ARITY[method];
        if (args.length !== arity) {
          this.fail(`Method "${method}" expects ${arity} argument${arity === 1 ? "" : "s"} but got ${args.length}`, nameTok);
        }
        expr = { kind: "call", target: expr, method, args, pos: { line: nameTok.line, column: nameTok.column } };
      }
    } finally {
      this.depth -= links;
    }
    return expr;
  }

  private primary(): Expr {
    const t = this.peek();
    const pos: Pos = { line: t.line, column: t.column };
    switch (t.kind) {
      case "string":
        this.take();
        return { kind: "string", value: t.value, pos };
      case "number":
        this.take();
        return { kind: "number", value: Number(t.value), pos };
      case "ident":
        return this.identifier(t, pos);
      case "punct":
        if (t.value === "(") {
          this.take();
          const inner = this.expression();
          this.expect(")", 'Expected ")"');
          return inner;
        }
        if (t.value === "{") return this.braces(pos);
        break;
      default:
        break;
    }
    return this.fail(`Expected an expression but found ${describe(t)}`, t);
  }

  private identifier(t: Token, pos: Pos): Expr {
    switch (t.value) {
      case "true":
      case "false":
        this.take();
        return { kind: "boolean", value: t.value === "true", pos };
      case "null":
        this.take();
        return { kind: "null", pos };
      case "invokeurl":
        return this.invokeurl(pos);
      case "info":
        return this.fail('Unexpected "info" inside an expression', t);
    }
    if (this.is("(", 1)) {
      const lower = t.value.toLowerCase();
      if (lower !== "map" && lower !== "list") this.fail(`Unknown function "${t.value}"`, t);
      this.take();
      this.take();
      this.expect(")", `${t.value}() takes no arguments`);
      return { kind: "construct", type: lower === "map" ? "Map" : "List", pos };
    }
    this.take();
    return { kind: "var", name: t.value, pos };
  }

  /** `{}` (empty map), `{"k": v, k2: v}` (map) or `{a, b}` (list). */
  private braces(pos: Pos): Expr {
    this.take();
    if (this.is("}")) {
      this.take();
      return { kind: "map", entries: [], pos };
    }
    const first = this.peek();
    const isMap = (first.kind === "string" || first.kind === "ident" || first.kind === "number") && this.is(":", 1);
    if (isMap) {
      const entries: { key: string; value: Expr }[] = [];
      for (;;) {
        const k = this.peek();
        if (k.kind !== "string" && k.kind !== "ident" && k.kind !== "number") {
          this.fail(`Expected a map key but found ${describe(k)}`, k);
        }
        this.take();
        this.expect(":", 'Expected ":" after map key');
        const value = this.expression();
        entries.push({ key: k.kind === "number" ? String(Number(k.value)) : k.value, value });
        if (this.is(",")) {
          this.take();
          continue;
        }
        this.expect("}", 'Expected "," or "}" in map');
        return { kind: "map", entries, pos };
      }
    }
    const items: Expr[] = [];
    for (;;) {
      items.push(this.expression());
      if (this.is(",")) {
        this.take();
        continue;
      }
      this.expect("}", 'Expected "," or "}" in list');
      return { kind: "list", items, pos };
    }
  }

  private invokeurl(pos: Pos): Expr {
    this.take();
    this.expect("[", 'Expected "[" after invokeurl');
    const params: InvokeUrlParam[] = [];
    const seen = new Set<string>();
    for (;;) {
      const t = this.peek();
      if (this.is("]")) {
        this.take();
        return { kind: "invokeurl", params, pos };
      }
      if (this.is(",")) {
        this.take();
        continue;
      }
      if (t.kind === "eof" || this.is(";")) this.fail('Expected "]" to close invokeurl', t);
      if (t.kind !== "ident") this.fail(`Expected an invokeurl key or "]" but found ${describe(t)}`, t);
      this.take();
      let name = t.value.toLowerCase();
      // `content-type` lexes as `content` `-` `type`; join them when written without spaces.
      if (name === "content" && this.is("-")) {
        const dash = this.peek();
        const type = this.peek(1);
        if (dash.start === t.end && type.kind === "ident" && type.value.toLowerCase() === "type" && type.start === dash.end) {
          this.take();
          this.take();
          name = "content-type";
        }
      }
      if (!(INVOKEURL_KEYS as readonly string[]).includes(name)) {
        const shown = name === "content-type" ? name : t.value;
        this.fail(`Unknown invokeurl key "${shown}"`, t);
      }
      const key = name as InvokeUrlKey;
      if (seen.has(key)) this.fail(`Duplicate invokeurl key "${key}"`, t);
      seen.add(key);
      this.expect(":", `Expected ":" after invokeurl key "${key}"`);
      const v = this.peek();
      let value: Expr;
      if (key === "type" && v.kind === "ident" && !KEYWORDS.has(v.value)) {
        const method = asHttpMethod(v.value);
        const continues = this.is(".", 1) || this.is("+", 1) || this.is("-", 1) || this.is("(", 1);
        if (method && !continues) {
          this.take();
          value = { kind: "string", value: method, pos: { line: v.line, column: v.column } };
        } else if (!method && !continues) {
          this.fail(`Invalid invokeurl type "${v.value}" (expected GET, POST, PUT, PATCH or DELETE)`, v);
        } else {
          value = this.expression();
        }
      } else {
        value = this.expression();
      }
      params.push({ key, value, pos: { line: t.line, column: t.column } });
    }
  }
}

/**
 * Parses a script. Throws `DelugeParseError` (and nothing else) for any source text; errors are
 * reported at the first problem in source order.
 */
export function parseScript(source: string): Program {
  return new Parser(source).parseProgram();
}
