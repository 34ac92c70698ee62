import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { DelugeParseError, parseScript } from "./parse";
import { runScript, type InvokeTask } from "./run";

/** Either parses, or throws a DelugeParseError whose position lies within the source. */
function checkParse(source: string): void {
  let error: unknown;
  try {
    parseScript(source);
    return;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DelugeParseError);
  const { line, column, message } = error as DelugeParseError;
  expect(typeof message).toBe("string");
  expect(message.length).toBeGreaterThan(0);
  const lines = source.split(/\r\n|\r|\n/);
  expect(Number.isInteger(line) && Number.isInteger(column)).toBe(true);
  expect(line).toBeGreaterThanOrEqual(1);
  expect(line).toBeLessThanOrEqual(lines.length);
  expect(column).toBeGreaterThanOrEqual(1);
  expect(column).toBeLessThanOrEqual(lines[line - 1].length + 1);
}

const TOKENS = [
  "info",
  "invokeurl",
  "[",
  "]",
  "{",
  "}",
  "(",
  ")",
  ";",
  ":",
  ",",
  ".",
  "=",
  "+",
  "-",
  "url",
  "type",
  "parameters",
  "headers",
  "body",
  "connection",
  "detailed",
  "content-type",
  "content",
  "GET",
  "POST",
  "put",
  "get",
  "toMap",
  "toString",
  "keys",
  "size",
  "add",
  "Map",
  "List",
  "Map()",
  "List()",
  "true",
  "false",
  "null",
  "x",
  "resp",
  "0",
  "12",
  "3.5",
  '"a"',
  "'b'",
  '"esc\\"aped"',
  '"',
  "'",
  "/*",
  "*/",
  "//",
  "\\",
  "#",
  "@",
  "é",
  "😀",
  "\n",
  "\r\n",
  "\r",
  "\t",
  " ",
  "/",
  "foo",
];
const WS = fc.constantFrom("", " ", "\n", "\t", "\r\n");
/** A token soup: mostly nonsense, sometimes close to the grammar. */
const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...TOKENS), WS), { maxLength: 60 })
  .map((parts) => parts.map(([t, w]) => t + w).join(""));

/** Valid scripts built from the grammar. */
const ident = fc.constantFrom("a", "b", "m", "resp", "x_1");
const stringLit = fc
  .string({ maxLength: 8 })
  .map((s) => '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r/g, "\\r").replace(/\n/g, "\\n") + '"');
const { expr } = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    stringLit,
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.constantFrom("true", "false", "null", "1.25", "Map()", "List()", "{}"),
    ident,
    fc.tuple(tie("expr"), tie("expr")).map(([l, r]) => `${l} + ${r}`),
    tie("expr").map((e) => `(${e})`),
    fc
      .array(fc.tuple(stringLit, tie("expr")), { minLength: 1, maxLength: 3 })
      .map((es) => `{${es.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
    fc.array(tie("expr"), { minLength: 1, maxLength: 3 }).map((es) => `{${es.join(", ")}}`),
    fc
      .tuple(tie("expr"), fc.constantFrom('.get("k")', ".get(0)", ".toString()", ".toMap()", ".keys()", ".size()"))
      .map(([e, m]) => `(${e})${m}`),
    fc
      .tuple(tie("expr"), fc.constantFrom("GET", "POST", "delete", '"PUT"'), tie("expr"), fc.boolean())
      .map(([u, t, p, d]) => `invokeurl\n[\n url: ${u}\n type: ${t}\n parameters: ${p}\n detailed: ${d}\n connection: "c"\n]`),
  ),
})) as { expr: fc.Arbitrary<string> };
const statement = fc.oneof(
  fc.tuple(ident, expr).map(([n, e]) => `${n} = ${e};`),
  expr.map((e) => `info ${e};`),
  fc.tuple(ident, stringLit, expr).map(([n, k, e]) => `${n}.put(${k}, ${e});`),
  fc.constant("// comment"),
  fc.constant("/* block\n comment */"),
);
const validScript = fc.array(statement, { maxLength: 8 }).map((s) => s.join("\n"));

/** Hosts that behave well and badly. */
const host = fc.constantFrom<() => (task: InvokeTask) => Promise<unknown>>(
  () => async () => ({ ok: true, items: [1, "two"] }),
  () => async (t) => t,
  () => async () => "text",
  () => async () => undefined,
  () => () => Promise.reject(new Error("upstream failed")),
  () => () => Promise.reject(42),
  () => () => {
    throw new Error("sync");
  },
  () => async () => {
    const c: Record<string, unknown> = {};
    c.c = c;
    return c;
  },
);

describe("properties", () => {
  test("parseScript on arbitrary strings returns or throws a positioned DelugeParseError", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), checkParse), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), checkParse), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), checkParse), { numRuns: 500 });
  });

  test("parseScript on token soups returns or throws a positioned DelugeParseError", () => {
    fc.assert(fc.property(tokenSoup, checkParse), { numRuns: 5000 });
  });

  test("scripts built from the grammar parse", () => {
    fc.assert(
      fc.property(validScript, (s) => {
        expect(() => parseScript(s)).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  test("runScript never rejects and reports errors within the source", async () => {
    const anySource = fc.oneof(
      validScript,
      tokenSoup,
      fc.string({ maxLength: 100 }),
      fc.string({ unit: "binary", maxLength: 100 }),
    );
    await fc.assert(
      fc.asyncProperty(anySource, host, fc.option(fc.integer({ min: -5, max: 50 })), async (source, makeInvoke, maxSteps) => {
        const result = await runScript(source, { invoke: makeInvoke(), maxSteps: maxSteps ?? undefined });
        expect(Array.isArray(result.output)).toBe(true);
        for (const line of result.output) expect(typeof line).toBe("string");
        if (result.error) {
          const lines = source.split(/\r\n|\r|\n/);
          expect(["parse", "runtime"]).toContain(result.error.kind);
          expect(result.error.line).toBeGreaterThanOrEqual(1);
          expect(result.error.line).toBeLessThanOrEqual(lines.length);
          expect(result.error.column).toBeGreaterThanOrEqual(1);
          expect(result.error.column).toBeLessThanOrEqual(lines[result.error.line - 1].length + 1);
        }
      }),
      { numRuns: 1500 },
    );
  });

  test("runScript never rejects on hostile input", async () => {
    const hostile = [
      "a = " + "(".repeat(100_000),
      "a = " + "{".repeat(100_000),
      'a = "x";\n' + "a = a + a;\n".repeat(40) + "info a.size();",
      "m = Map();\n" + 'm.put("k", m);\n' + "info m;",
      "info " + '"' + "x".repeat(1_000_000),
    ];
    for (const source of hostile) {
      const r = await runScript(source, { invoke: async () => null });
      expect(r.error).toBeDefined();
    }
    const doubled = await runScript('a = "x";\n' + "a = a + a;\n".repeat(40), { invoke: async () => null });
    expect(doubled.error).toEqual({ message: "Text longer than 10000000 characters", line: 25, column: 1, kind: "runtime" });
    // Deeply nested JSON handed to toMap() either converts or fails cleanly.
    const deep = "[".repeat(50_000) + "]".repeat(50_000);
    const r = await runScript(`info "{\\"a\\": ${deep}}".toMap().size();`, { invoke: async () => null });
    expect(r.output.length + (r.error ? 1 : 0)).toBe(1);
    // Not even a broken host or a non-string source.
    const weird = await runScript(undefined as unknown as string, null as unknown as { invoke: () => Promise<unknown> });
    expect(weird).toEqual({ output: [] });
    const noHost = await runScript('invokeurl [ url: "u" ];', null as unknown as { invoke: () => Promise<unknown> });
    expect(noHost.error).toMatchObject({ kind: "runtime", line: 1, column: 1 });
  });
});
