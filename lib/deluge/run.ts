// Long on purpose: one interpreter, a case per statement and expression kind, so the evaluation order reads in one place.
// Interpreter of the Deluge subset. Pure TypeScript; the host performs the actual HTTP calls.

import type { Expr, HttpMethod, InvokeUrlKey, Pos, Program, Statement } from "./ast";
import { HTTP_METHODS } from "./ast";
import { DelugeParseError, parseScript } from "./parse";
import {
  DelugeRuntimeError,
  fromJs,
  isList,
  isMap,
  TextTooLongError,
  toJson,
  toText,
  typeName,
  type DelugeMap,
  type Value,
} from "./values";

const utf8 = new TextEncoder();

/** What `invokeurl [...]` asks the host to perform. Keys that the script did not give are absent. */
export interface InvokeTask {
  url: string;
  method: HttpMethod;
  /** A map's values are converted to text: numbers → decimal text, maps/lists → JSON, null → "". */
  parameters?: Record<string, string> | string;
  headers?: Record<string, string>;
  body?: string;
  connection?: string;
  detailed?: boolean;
  /** From the `content-type` key. */
  contentType?: string;
}

export interface ScriptHost {
  /** Performs the call; the resolved value (parsed JSON, text, …) becomes the invokeurl result. */
  invoke(task: InvokeTask): Promise<unknown>;
  /** Upper bound on executed statements plus evaluated expressions (default 100 000). */
  maxSteps?: number;
  /** Upper bound on all `info` output together, in UTF-8 bytes (default 1 MiB). */
  maxOutputBytes?: number;
  /** Upper bound on the whole run, calls included (default 30 s). */
  timeoutMs?: number;
}

export interface ScriptError {
  message: string;
  line: number;
  column: number;
  kind: "parse" | "runtime";
}

export interface ScriptResult {
  /** One entry per executed `info`, kept even when a later statement fails. */
  output: string[];
  error?: ScriptError;
}

export const DEFAULT_MAX_STEPS = 100_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Longest text that `+` may build (UTF-16 code units). */
export const MAX_TEXT_LENGTH = 10_000_000;

/**
 * Parses and runs a script. Never throws and never rejects: parse errors (nothing runs) and runtime
 * errors (execution stops; runtime errors carry the position of the failing statement) come back
 * in `error`.
 *
 * `info` prints text as is, numbers as JavaScript prints them, booleans as true/false, null as an
 * empty line "", maps and lists as compact JSON (`{"a":1}`).
 */
export async function runScript(source: string, host: ScriptHost): Promise<ScriptResult> {
  const output: string[] = [];
  let program: Program;
  try {
    program = parseScript(typeof source === "string" ? source : String(source ?? ""));
  } catch (e) {
    if (e instanceof DelugeParseError) {
      return { output, error: { message: e.message, line: e.line, column: e.column, kind: "parse" } };
    }
    return { output, error: { message: `Internal parser error: ${errorMessage(e)}`, line: 1, column: 1, kind: "parse" } };
  }
  const maxSteps = host && typeof host.maxSteps === "number" && host.maxSteps > 0 ? Math.floor(host.maxSteps) : DEFAULT_MAX_STEPS;
  const limits = {
    maxSteps,
    maxOutputBytes: host?.maxOutputBytes && host.maxOutputBytes > 0 ? host.maxOutputBytes : DEFAULT_MAX_OUTPUT_BYTES,
    deadline: Date.now() + (host?.timeoutMs && host.timeoutMs > 0 ? host.timeoutMs : DEFAULT_TIMEOUT_MS),
  };
  const interpreter = new Interpreter(host, limits, output);
  for (const statement of program.statements) {
    try {
      await interpreter.execute(statement);
    } catch (e) {
      return { output, error: { ...positionOf(statement.pos), message: errorMessage(e), kind: "runtime" } };
    }
  }
  return { output };
}

function positionOf(pos: Pos): Pos {
  return { line: pos.line, column: pos.column };
}

function errorMessage(e: unknown): string {
  try {
    if (e instanceof Error) {
      const m = typeof e.message === "string" ? e.message : String(e.message);
      return m || e.name || "Error";
    }
    const s = String(e);
    return s || "Unknown error";
  } catch {
    return "Unknown error";
  }
}

class Interpreter {
  private readonly vars = new Map<string, Value>();
  private steps = 0;
  private outputBytes = 0;

  constructor(
    private readonly host: ScriptHost,
    private readonly limits: { maxSteps: number; maxOutputBytes: number; deadline: number },
    private readonly output: string[],
  ) {}

  private step(): void {
    this.steps++;
    if (this.steps > this.limits.maxSteps) {
      throw new DelugeRuntimeError(`Script stopped after ${this.limits.maxSteps} steps (step limit)`);
    }
    if (Date.now() > this.limits.deadline) throw this.timeUp();
  }

  private timeUp(): DelugeRuntimeError {
    return new DelugeRuntimeError("Script stopped: it ran longer than the time a console run may take");
  }

  /** `info`: output stays within its byte bound, checked before a long text is even built. */
  private print(value: Value): void {
    const outputLimit = () =>
      new DelugeRuntimeError(`Script stopped: its output is limited to ${this.limits.maxOutputBytes} bytes in all`);
    const left = this.limits.maxOutputBytes - this.outputBytes;
    let text: string;
    try {
      text = toText(value, left);
    } catch (error) {
      if (error instanceof TextTooLongError) throw outputLimit();
      throw error;
    }
    const bytes = text.length > left ? left + 1 : utf8.encode(text).length;
    if (bytes > left) throw outputLimit();
    this.outputBytes += bytes;
    this.output.push(text);
  }

  async execute(s: Statement): Promise<void> {
    this.step();
    switch (s.kind) {
      case "assign":
        this.vars.set(s.name, await this.eval(s.value));
        return;
      case "info":
        this.print(await this.eval(s.value));
        return;
      case "expr":
        await this.eval(s.expr);
        return;
    }
  }

  private async eval(e: Expr): Promise<Value> {
    this.step();
    switch (e.kind) {
      case "string":
      case "number":
      case "boolean":
        return e.value;
      case "null":
        return null;
      case "var":
        if (!this.vars.has(e.name)) throw new DelugeRuntimeError(`Variable "${e.name}" is not defined`);
        return this.vars.get(e.name) as Value;
      case "construct":
        return e.type === "Map" ? new Map() : [];
      case "map": {
        const m: DelugeMap = new Map();
        for (const entry of e.entries) m.set(entry.key, await this.eval(entry.value));
        return m;
      }
      case "list": {
        const items: Value[] = [];
        for (const item of e.items) items.push(await this.eval(item));
        return items;
      }
      case "negate": {
        const v = await this.eval(e.operand);
        if (typeof v !== "number") throw new DelugeRuntimeError(`Cannot negate a ${typeName(v)}`);
        return -v;
      }
      case "sum": {
        let acc = await this.eval(e.operands[0]);
        for (let i = 1; i < e.operands.length; i++) {
          acc = combine(acc, e.ops[i - 1], await this.eval(e.operands[i]));
        }
        return acc;
      }
      case "call": {
        const target = await this.eval(e.target);
        const args: Value[] = [];
        for (const a of e.args) args.push(await this.eval(a));
        return callMethod(target, e.method, args);
      }
      case "invokeurl":
        return this.invokeurl(e);
    }
  }

  private async invokeurl(e: Extract<Expr, { kind: "invokeurl" }>): Promise<Value> {
    const given = new Map<InvokeUrlKey, Value>();
    for (const p of e.params) given.set(p.key, await this.eval(p.value));
    const present = (k: InvokeUrlKey) => given.has(k) && given.get(k) !== null;

    const url = given.get("url");
    if (url === undefined || url === null || url === "") throw new DelugeRuntimeError('invokeurl: "url" is required');
    if (typeof url !== "string") throw new DelugeRuntimeError(`invokeurl: "url" must be text, not a ${typeName(url)}`);

    let method: HttpMethod = "GET";
    if (present("type")) {
      const t = given.get("type") as Value;
      const upper = typeof t === "string" ? t.toUpperCase() : "";
      if (!(HTTP_METHODS as readonly string[]).includes(upper)) {
        throw new DelugeRuntimeError(
          `invokeurl: invalid type ${typeof t === "string" ? JSON.stringify(t) : `(a ${typeName(t)})`}; expected GET, POST, PUT, PATCH or DELETE`,
        );
      }
      method = upper as HttpMethod;
    }

    const task: InvokeTask = { url, method };
    if (present("parameters")) {
      const p = given.get("parameters") as Value;
      if (isMap(p)) task.parameters = textRecord(p);
      else if (typeof p === "string") task.parameters = p;
      else throw new DelugeRuntimeError(`invokeurl: "parameters" must be a map or text, not a ${typeName(p)}`);
    }
    if (present("headers")) {
      const h = given.get("headers") as Value;
      if (!isMap(h)) throw new DelugeRuntimeError(`invokeurl: "headers" must be a map, not a ${typeName(h)}`);
      task.headers = textRecord(h);
    }
    if (present("body")) {
      const b = given.get("body") as Value;
      if (typeof b === "boolean") throw new DelugeRuntimeError('invokeurl: "body" must be text, not a boolean');
      task.body = toText(b);
    }
    if (present("connection")) {
      const c = given.get("connection") as Value;
      if (typeof c !== "string") {
        throw new DelugeRuntimeError(`invokeurl: "connection" must be text, not a ${typeName(c)}`);
      }
      task.connection = c;
    }
    if (present("detailed")) {
      const d = given.get("detailed") as Value;
      if (typeof d !== "boolean") {
        throw new DelugeRuntimeError(`invokeurl: "detailed" must be true or false, not a ${typeName(d)}`);
      }
      task.detailed = d;
    }
    if (present("content-type")) {
      const ct = given.get("content-type") as Value;
      if (typeof ct !== "string") {
        throw new DelugeRuntimeError(`invokeurl: "content-type" must be text, not a ${typeName(ct)}`);
      }
      task.contentType = ct;
    }

    let result: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timeUp()), Math.max(0, this.limits.deadline - Date.now()));
    });
    try {
      // The call itself is bounded by the invoke engine; the run stops waiting for it at its own deadline.
      result = await Promise.race([this.host.invoke(task), timeUp]);
    } catch (err) {
      if (err instanceof DelugeRuntimeError) throw err;
      throw new DelugeRuntimeError(errorMessage(err));
    } finally {
      clearTimeout(timer);
    }
    return fromJs(result);
  }
}

/** Map → record of text values (numbers as decimal text, nested maps/lists as JSON, null as ""). */
function textRecord(m: DelugeMap): Record<string, string> {
  return Object.fromEntries([...m].map(([k, v]) => [k, toText(v)]));
}

function combine(a: Value, op: "+" | "-", b: Value): Value {
  if (op === "+") {
    if (typeof a === "number" && typeof b === "number") return a + b;
    if (typeof a === "string" || typeof b === "string") {
      const left = toText(a);
      const right = toText(b);
      if (left.length + right.length > MAX_TEXT_LENGTH) {
        throw new DelugeRuntimeError(`Text longer than ${MAX_TEXT_LENGTH} characters`);
      }
      return left + right;
    }
    throw new DelugeRuntimeError(`Cannot add a ${typeName(b)} to a ${typeName(a)}`);
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  throw new DelugeRuntimeError(`Cannot subtract a ${typeName(b)} from a ${typeName(a)}`);
}

function keyText(k: Value, method: string): string {
  if (typeof k === "string") return k;
  if (typeof k === "number" || typeof k === "boolean") return toText(k);
  throw new DelugeRuntimeError(`${method}(): a key must be text or a number, not a ${typeName(k)}`);
}

function callMethod(target: Value, method: string, args: Value[]): Value {
  const refuse = (): never => {
    throw new DelugeRuntimeError(`Cannot call ${method}() on ${target === null ? "null" : `a ${typeName(target)}`}`);
  };
  switch (method) {
    case "get": {
      if (isMap(target)) {
        const v = target.get(keyText(args[0], "get"));
        return v === undefined ? null : v;
      }
      if (isList(target)) {
        const i = args[0];
        if (typeof i !== "number" || !Number.isInteger(i)) {
          throw new DelugeRuntimeError(`get(): a list index must be a whole number, not ${toJson(i)}`);
        }
        if (i < 0 || i >= target.length) {
          throw new DelugeRuntimeError(`get(): index ${i} is out of range for a list of size ${target.length}`);
        }
        return target[i];
      }
      return refuse();
    }
    case "put":
      if (!isMap(target)) return refuse();
      target.set(keyText(args[0], "put"), args[1]);
      return null;
    case "add":
      if (!isList(target)) return refuse();
      target.push(args[0]);
      return null;
    case "toString":
      return toText(target);
    case "toMap": {
      if (isMap(target)) return target;
      if (typeof target !== "string") return refuse();
      let parsed: unknown;
      try {
        parsed = JSON.parse(target);
      } catch {
        throw new DelugeRuntimeError("toMap(): the text is not valid JSON");
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new DelugeRuntimeError("toMap(): the text is not a JSON object");
      }
      return fromJs(parsed);
    }
    case "keys":
      if (!isMap(target)) return refuse();
      return [...target.keys()];
    case "size":
      if (isMap(target)) return target.size;
      if (isList(target)) return target.length;
      return refuse();
    default:
      throw new DelugeRuntimeError(`Unknown method "${method}"`);
  }
}
