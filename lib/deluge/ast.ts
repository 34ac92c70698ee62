// AST of the Deluge script subset understood by the Script console.
// Positions are 1-based; columns count UTF-16 code units (what browser editors use).

export interface Pos {
  line: number;
  column: number;
}

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const INVOKEURL_KEYS = ["url", "type", "parameters", "headers", "body", "connection", "detailed", "content-type"] as const;
export type InvokeUrlKey = (typeof INVOKEURL_KEYS)[number];

/** Methods callable with `value.name(args)`, with their argument count. */
export const METHOD_ARITY = {
  get: 1,
  put: 2,
  add: 1,
  toString: 0,
  toMap: 0,
  keys: 0,
  size: 0,
} as const;
export type MethodName = keyof typeof METHOD_ARITY;

export type Expr =
  | { kind: "string"; value: string; pos: Pos }
  | { kind: "number"; value: number; pos: Pos }
  | { kind: "boolean"; value: boolean; pos: Pos }
  | { kind: "null"; pos: Pos }
  | { kind: "var"; name: string; pos: Pos }
  /** `{"k": v, ...}` — keys are already text (identifier and number keys are converted). */
  | { kind: "map"; entries: { key: string; value: Expr }[]; pos: Pos }
  /** `{a, b}` — a brace list without colons. */
  | { kind: "list"; items: Expr[]; pos: Pos }
  /** `Map()` / `List()` */
  | { kind: "construct"; type: "Map" | "List"; pos: Pos }
  /** `a + b - c`, flattened left to right: operands[0] ops[0] operands[1] ... */
  | { kind: "sum"; operands: Expr[]; ops: ("+" | "-")[]; pos: Pos }
  | { kind: "negate"; operand: Expr; pos: Pos }
  | { kind: "call"; target: Expr; method: MethodName; args: Expr[]; pos: Pos }
  | { kind: "invokeurl"; params: InvokeUrlParam[]; pos: Pos };

export interface InvokeUrlParam {
  key: InvokeUrlKey;
  /** For `type: GET` the bare method is stored as a string literal "GET". */
  value: Expr;
  pos: Pos;
}

export type Statement =
  | { kind: "assign"; name: string; value: Expr; pos: Pos }
  | { kind: "info"; value: Expr; pos: Pos }
  /** A method call (`m.put(k, v);`) or an `invokeurl [...]` whose result is discarded. */
  | { kind: "expr"; expr: Expr; pos: Pos };

export interface Program {
  statements: Statement[];
}
