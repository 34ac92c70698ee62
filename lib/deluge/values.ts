// Runtime values of the Deluge subset and their text forms.

/** A Deluge value: text, number, boolean, null, map (insertion-ordered, text keys) or list. */
export type Value = string | number | boolean | null | DelugeMap | DelugeList;
export type DelugeMap = Map<string, Value>;
export type DelugeList = Value[];

/** An error raised while a script runs; the runner adds the statement's position. */
export class DelugeRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DelugeRuntimeError";
  }
}

export function isMap(v: Value): v is DelugeMap {
  return v instanceof Map;
}
export function isList(v: Value): v is DelugeList {
  return Array.isArray(v);
}

export function typeName(v: Value): string {
  if (v === null) return "null";
  if (isMap(v)) return "map";
  if (isList(v)) return "list";
  if (typeof v === "string") return "text";
  return typeof v; // number, boolean
}

/** Numbers print as JavaScript prints them: 10, 1.5, -3 (1.50 prints as 1.5). */
export function numberText(n: number): string {
  return String(n);
}

/**
 * The text form used by `info`, `+` with text, `.toString()` and invokeurl values:
 * text as is, numbers and booleans as text, null as "" (empty), maps and lists as compact JSON.
 */
export function toText(v: Value, maxLength = Infinity): string {
  if (v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return numberText(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return toJson(v, new Set(), { left: maxLength });
}

/** Text longer than the caller's bound: raised while converting, before the whole text exists. */
export class TextTooLongError extends DelugeRuntimeError {}

/**
 * Compact JSON (`{"a":1}`); throws DelugeRuntimeError for a map or list that contains itself,
 * and TextTooLongError as soon as the text would pass `budget.left` characters (a list of
 * the same long text many times would otherwise be built whole first).
 */
export function toJson(
  v: Value,
  stack: Set<DelugeMap | DelugeList> = new Set(),
  budget: { left: number } = { left: Infinity },
): string {
  const take = (text: string) => {
    budget.left -= text.length;
    if (budget.left < 0) throw new TextTooLongError("The text is longer than allowed");
    return text;
  };
  if (v === null) return take("null");
  if (typeof v === "string") return take(JSON.stringify(v));
  if (typeof v === "number") return take(Number.isFinite(v) ? numberText(v) : "null");
  if (typeof v === "boolean") return take(v ? "true" : "false");
  if (stack.has(v)) throw new DelugeRuntimeError(`Cannot convert a ${typeName(v)} that contains itself to text`);
  stack.add(v);
  try {
    if (isList(v)) return "[" + v.map((item) => toJson(item, stack, budget)).join(",") + "]";
    const parts: string[] = [];
    for (const [k, item] of v) parts.push(take(JSON.stringify(k) + ":") + toJson(item, stack, budget));
    return "{" + parts.join(",") + "}";
  } finally {
    stack.delete(v);
  }
}

/**
 * Converts a JavaScript value (a parsed JSON response, the host's invoke result) to a Deluge value:
 * objects → maps, arrays → lists, undefined → null. Throws DelugeRuntimeError on cycles.
 */
export function fromJs(x: unknown, stack: Set<object> = new Set()): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case "string":
    case "number":
    case "boolean":
      return x;
    case "bigint":
      return Number(x);
    case "object":
      break;
    default:
      return null; // functions, symbols
  }
  const obj = x as object;
  if (stack.has(obj)) throw new DelugeRuntimeError("The response contains a circular value");
  stack.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((item) => fromJs(item, stack));
    if (obj instanceof Map) {
      const m: DelugeMap = new Map();
      for (const [k, item] of obj) m.set(String(k), fromJs(item, stack));
      return m;
    }
    if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString();
    const m: DelugeMap = new Map();
    for (const k of Object.keys(obj)) m.set(k, fromJs((obj as Record<string, unknown>)[k], stack));
    return m;
  } finally {
    stack.delete(obj);
  }
}
