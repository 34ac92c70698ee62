import { describe, expect, test } from "vitest";
import { DelugeParseError, parseScript, type Program } from "./parse";

function parseError(source: string): { message: string; line: number; column: number } {
  try {
    parseScript(source);
  } catch (e) {
    expect(e).toBeInstanceOf(DelugeParseError);
    const err = e as DelugeParseError;
    return { message: err.message, line: err.line, column: err.column };
  }
  throw new Error(`expected a parse error for ${JSON.stringify(source)}`);
}

describe("parseScript: good scripts", () => {
  test("statements, literals and the AST shape", () => {
    const program: Program = parseScript('a = "x";\ninfo a + 1;\nm = Map();\nm.put("k", -2.5);');
    expect(program.statements).toEqual([
      {
        kind: "assign",
        name: "a",
        value: { kind: "string", value: "x", pos: { line: 1, column: 5 } },
        pos: { line: 1, column: 1 },
      },
      {
        kind: "info",
        value: {
          kind: "sum",
          ops: ["+"],
          operands: [
            { kind: "var", name: "a", pos: { line: 2, column: 6 } },
            { kind: "number", value: 1, pos: { line: 2, column: 10 } },
          ],
          pos: { line: 2, column: 6 },
        },
        pos: { line: 2, column: 1 },
      },
      {
        kind: "assign",
        name: "m",
        value: { kind: "construct", type: "Map", pos: { line: 3, column: 5 } },
        pos: { line: 3, column: 1 },
      },
      {
        kind: "expr",
        expr: {
          kind: "call",
          method: "put",
          target: { kind: "var", name: "m", pos: { line: 4, column: 1 } },
          args: [
            { kind: "string", value: "k", pos: { line: 4, column: 7 } },
            { kind: "number", value: -2.5, pos: { line: 4, column: 12 } },
          ],
          pos: { line: 4, column: 3 },
        },
        pos: { line: 4, column: 1 },
      },
    ]);
  });

  test("brace literals: map with string/identifier/number keys, list, empty map", () => {
    const [s1, s2, s3] = parseScript('a = {"k": 1, id: true, 7: null};\nb = {1, "two", x};\nc = {};').statements;
    expect(s1.kind === "assign" && s1.value.kind === "map" && s1.value.entries.map((e) => e.key)).toEqual(["k", "id", "7"]);
    expect(s2.kind === "assign" && s2.value.kind === "list" && s2.value.items.map((e) => e.kind)).toEqual([
      "number",
      "string",
      "var",
    ]);
    expect(s3.kind === "assign" && s3.value).toEqual({ kind: "map", entries: [], pos: { line: 3, column: 5 } });
  });

  test("invokeurl keys, bare and string types, commas tolerated, content-type", () => {
    const p = parseScript(
      'r = invokeurl [ url: "u", type: post, parameters: "a=1", headers: {}, body: "b", connection: "c", detailed: false, content-type: "text/plain" ];',
    );
    const s = p.statements[0];
    if (s.kind !== "assign" || s.value.kind !== "invokeurl") throw new Error("expected invokeurl");
    expect(s.value.params.map((x) => x.key)).toEqual([
      "url",
      "type",
      "parameters",
      "headers",
      "body",
      "connection",
      "detailed",
      "content-type",
    ]);
    expect(s.value.params[1].value).toMatchObject({ kind: "string", value: "POST" });
  });

  test("comments, empty statements, CRLF and invokeurl as a statement", () => {
    const p = parseScript('// line\r\n/* block\r\n * more */ info 1; ;\r\ninvokeurl [ url: "x" ] ;// end');
    expect(p.statements.map((s) => s.kind)).toEqual(["info", "expr"]);
    expect(p.statements[0].pos).toEqual({ line: 3, column: 12 });
    expect(p.statements[1].pos).toEqual({ line: 4, column: 1 });
  });

  test("method names are case-insensitive and chain", () => {
    const s = parseScript('info "{}".tomap().KEYS().size();').statements[0];
    expect(s.kind === "info" && s.value.kind === "call" && s.value.method).toBe("size");
  });

  test("the empty script", () => {
    expect(parseScript("")).toEqual({ statements: [] });
    expect(parseScript("  // nothing\n/* */\n")).toEqual({ statements: [] });
  });
});

describe("parseScript: errors with exact positions", () => {
  const cases: [string, string, string, number, number][] = [
    ["missing ; at end of line", "a = 1\nb = 2;", 'Expected ";" after statement', 1, 6],
    ["missing ; at end of script", 'info "x"', 'Expected ";" after statement', 1, 9],
    ["two strings in a row", "x = 'it''s';", 'Expected ";" after statement', 1, 9],
    ["missing ] before ;", 'r = invokeurl [ url: "x" ;', 'Expected "]" to close invokeurl', 1, 26],
    ["missing ] at end of script", 'r = invokeurl [\n  url: "x"\n', 'Expected "]" to close invokeurl', 3, 1],
    ["unknown key", 'r = invokeurl [ url: "x" foo: 1 ];', 'Unknown invokeurl key "foo"', 1, 26],
    ["missing : after key", 'r = invokeurl [ url "x" ];', 'Expected ":" after invokeurl key "url"', 1, 21],
    ["duplicate key", 'r = invokeurl [ url: "a" url: "b" ];', 'Duplicate invokeurl key "url"', 1, 26],
    [
      "invalid bare type",
      'r = invokeurl [ url: "a" type: FETCH ];',
      'Invalid invokeurl type "FETCH" (expected GET, POST, PUT, PATCH or DELETE)',
      1,
      32,
    ],
    ["invokeurl without [", 'r = invokeurl url: "x";', 'Expected "[" after invokeurl', 1, 15],
    ["non-key inside invokeurl", 'r = invokeurl [ "url": "x" ];', 'Expected an invokeurl key or "]" but found a string', 1, 17],
    ["unterminated string", 'info "abc;', "Unterminated string", 1, 6],
    ["string broken by a line end", 'a = "abc\ninfo a;', "Unterminated string", 1, 5],
    ["unterminated single-quoted string", "a = 1;\ninfo 'x\\'", "Unterminated string", 2, 6],
    ["unterminated block comment", "a = 1;\n/* never closed\ninfo a;", "Unterminated block comment", 2, 1],
    ["stray #", "a = 1 # 2;", 'Unexpected character "#"', 1, 7],
    ["stray @ after CRLF", 'info "x";\r\ninfo @;', 'Unexpected character "@"', 2, 6],
    ["astral character", 'info "é";\n\tinfo 😀;', 'Unexpected character "😀"', 2, 7],
    ["lone slash", "a = 4 / 2;", 'Unexpected character "/"', 1, 7],
    ["info without expression", "info;", "Expected expression after info", 1, 5],
    ["info without expression at end", "info", "Expected expression after info", 1, 5],
    ["assignment without value", "a = ;", 'Expected an expression but found ";"', 1, 5],
    ["dangling +", 'info "a" + ;', 'Expected an expression but found ";"', 1, 12],
    ["unclosed parenthesis", "a = (1 + 2;", 'Expected ")"', 1, 11],
    ["map entry without :", 'm = {"a": 1, "b" 2};', 'Expected ":" after map key', 1, 18],
    ["unclosed list", "l = {1, 2;", 'Expected "," or "}" in list', 1, 10],
    ["bare expression statement", "a = 1;\n  a;", "Expected an assignment, info or a method call", 2, 3],
    ["statement starting with ]", "]", 'Expected a statement but found "]"', 1, 1],
    ["assignment to a keyword", "true = 1;", 'Cannot assign to "true"', 1, 1],
    ["unknown method", "m = Map();\nm.foo(1);", 'Unknown method "foo"', 2, 3],
    ["wrong argument count", "m = Map();\nm.get();", 'Method "get" expects 1 argument but got 0', 2, 3],
    ["unknown function", "x = foo(1);", 'Unknown function "foo"', 1, 5],
    ["Map() with an argument", "x = Map(1);", "Map() takes no arguments", 1, 9],
    ["list literal with [", "x = [1];", 'Expected an expression but found "["', 1, 5],
  ];
  test.each(cases)("%s", (_name, source, message, line, column) => {
    expect(parseError(source)).toEqual({ message, line, column });
  });

  test("the first error in source order wins over a later lexical error", () => {
    expect(parseError('a = 1\ninfo "unterminated')).toEqual({ message: 'Expected ";" after statement', line: 1, column: 6 });
  });

  test("deep nesting is a parse error, not a stack overflow", () => {
    expect(parseError("a = " + "(".repeat(5000) + "1" + ")".repeat(5000) + ";").message).toBe("Expression is nested too deeply");
    expect(parseError("a = " + "{".repeat(5000)).message).toBe("Expression is nested too deeply");
    expect(parseError("a = " + "-".repeat(5000) + "1;").message).toBe("Expression is nested too deeply");
    expect(parseError("a = b" + ".size()".repeat(5000) + ";").message).toBe("Expression is nested too deeply");
    // Nesting within the limit is fine; long flat sums are not nesting.
    expect(() => parseScript("a = " + "(".repeat(150) + "1" + ")".repeat(150) + ";")).not.toThrow();
    expect(() => parseScript("a = 1" + " + 1".repeat(50_000) + ";")).not.toThrow();
  });
});
