import { describe, expect, test } from "vitest";
import { runScript, type InvokeTask } from "./run";

/** A host that records tasks and answers with `reply(task)`. */
function recorder(reply: (task: InvokeTask) => unknown = () => ({ ok: true })) {
  const tasks: InvokeTask[] = [];
  return {
    tasks,
    host: {
      async invoke(task: InvokeTask) {
        tasks.push(task);
        return reply(task);
      },
    },
  };
}

async function run(source: string, reply?: (task: InvokeTask) => unknown) {
  const r = recorder(reply);
  const result = await runScript(source, r.host);
  return { ...result, tasks: r.tasks };
}

const EXAMPLE = `base = "https://api.example.com";
params = {"q": "hello world", "limit": 10};
hdrs = Map();
hdrs.put("X-Trace", "abc");
response = invokeurl
[
  url: base + "/search"
  type: GET
  parameters: params
  headers: hdrs
  connection: "my_echo"
];
info response;
info response.get("items");
// comments and /* block comments */
resp2 = invokeurl [ url: "https://api.example.com/items" type: POST parameters: {"a": "1"} body: "raw" connection: "my_echo" detailed: true ];
info resp2.get("responseCode");
`;

describe("runScript: the issue's example", () => {
  test("exact tasks and output", async () => {
    const result = await run(EXAMPLE, (task) =>
      task.detailed
        ? { responseCode: 201, responseHeader: { "content-type": "text/plain" }, responseText: "created" }
        : { items: [{ id: 1, name: "x" }, 2], total: 2 },
    );
    expect(result.tasks).toStrictEqual([
      {
        url: "https://api.example.com/search",
        method: "GET",
        parameters: { q: "hello world", limit: "10" },
        headers: { "X-Trace": "abc" },
        connection: "my_echo",
      },
      {
        url: "https://api.example.com/items",
        method: "POST",
        parameters: { a: "1" },
        body: "raw",
        connection: "my_echo",
        detailed: true,
      },
    ]);
    expect(result.output).toStrictEqual(['{"items":[{"id":1,"name":"x"},2],"total":2}', '[{"id":1,"name":"x"},2]', "201"]);
    expect(result.error).toBeUndefined();
  });
});

describe("runScript: invokeurl", () => {
  test("every key, with commas, mixed case keys and content-type", async () => {
    const { tasks, output, error } = await run(
      `h = {"Accept": "application/json", "X-N": 5, "X-M": {"a": {1, null}}, "X-Null": null};
r = invokeurl [
  URL: "https://x.test/a",
  type: "put",
  parameters: "a=1&b=2",
  headers: h,
  body: {"k": "v"},
  connection: "link_1",
  detailed: false,
  content-type: "application/json"
];
info r;`,
      () => "plain text reply",
    );
    expect(error).toBeUndefined();
    expect(tasks).toStrictEqual([
      {
        url: "https://x.test/a",
        method: "PUT",
        parameters: "a=1&b=2",
        headers: { Accept: "application/json", "X-N": "5", "X-M": '{"a":[1,null]}', "X-Null": "" },
        body: '{"k":"v"}',
        connection: "link_1",
        detailed: false,
        contentType: "application/json",
      },
    ]);
    expect(output).toStrictEqual(["plain text reply"]);
  });

  test("only url: method defaults to GET and no other key is set", async () => {
    const { tasks } = await run('r = invokeurl [ url: "https://x.test" ];');
    expect(tasks).toStrictEqual([{ url: "https://x.test", method: "GET" }]);
  });

  test.each([
    ["GET", "GET"],
    ["POST", "POST"],
    ["PUT", "PUT"],
    ["PATCH", "PATCH"],
    ["DELETE", "DELETE"],
    ["delete", "DELETE"],
    ['"patch"', "PATCH"],
    ['"PO" + "ST"', "POST"],
  ])("type: %s", async (type, method) => {
    const { tasks, error } = await run(`invokeurl [ url: "u" type: ${type} ];`);
    expect(error).toBeUndefined();
    expect(tasks.map((t) => t.method)).toEqual([method]);
  });

  test("parameter values are stringified: numbers, booleans, null, nested maps and lists", async () => {
    const { tasks } = await run(
      'r = invokeurl [ url: "u" type: POST parameters: {"i": 10, "d": 1.5, "neg": -3, "b": true, "n": null, "m": {"x": 1}, "l": {1, "a"}} ];',
    );
    expect(tasks[0].parameters).toStrictEqual({ i: "10", d: "1.5", neg: "-3", b: "true", n: "", m: '{"x":1}', l: '[1,"a"]' });
  });

  test("null values leave a key out", async () => {
    const { tasks } = await run('invokeurl [ url: "u" parameters: null headers: null connection: null ];');
    expect(tasks).toStrictEqual([{ url: "u", method: "GET" }]);
  });

  test("the result of invokeurl becomes a Deluge value", async () => {
    const { output } = await run(
      'r = invokeurl [ url: "u" ];\ninfo r.get("a").get("b");\ninfo r.get("list").get(1);\ninfo r.get("missing");\ninfo r.keys();',
      () => ({ a: { b: "deep" }, list: [true, false], u: undefined }),
    );
    expect(output).toStrictEqual(["deep", "false", "", '["a","list","u"]']);
  });

  test("runtime errors of invokeurl", async () => {
    const cases: [string, string][] = [
      ["r = invokeurl [ type: GET ];", 'invokeurl: "url" is required'],
      ["r = invokeurl [ url: 5 ];", 'invokeurl: "url" must be text, not a number'],
      ['r = invokeurl [ url: "u" type: "FETCH" ];', 'invokeurl: invalid type "FETCH"; expected GET, POST, PUT, PATCH or DELETE'],
      ['r = invokeurl [ url: "u" parameters: 5 ];', 'invokeurl: "parameters" must be a map or text, not a number'],
      ['r = invokeurl [ url: "u" headers: "x" ];', 'invokeurl: "headers" must be a map, not a text'],
      ['r = invokeurl [ url: "u" connection: {} ];', 'invokeurl: "connection" must be text, not a map'],
      ['r = invokeurl [ url: "u" detailed: "yes" ];', 'invokeurl: "detailed" must be true or false, not a text'],
      ['r = invokeurl [ url: "u" content-type: 1 ];', 'invokeurl: "content-type" must be text, not a number'],
    ];
    for (const [source, message] of cases) {
      const r = await run(source);
      expect(r.error, source).toEqual({ message, line: 1, column: 1, kind: "runtime" });
      expect(r.tasks).toEqual([]);
    }
  });

  test("a rejected invoke stops the script, keeps earlier output, reports the statement", async () => {
    const r = await runScript('info "before";\n  x = invokeurl [ url: "u" ];\ninfo "after";', {
      invoke: () => Promise.reject(new Error("Connection my_echo not found")),
    });
    expect(r).toStrictEqual({
      output: ["before"],
      error: { message: "Connection my_echo not found", line: 2, column: 3, kind: "runtime" },
    });
  });

  test("odd hosts: synchronous throw, non-Error rejection, non-promise result, circular result", async () => {
    const src = 'r = invokeurl [ url: "u" ];\ninfo r;';
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const results = await Promise.all([
      runScript(src, {
        invoke: () => {
          throw new TypeError("sync");
        },
      }),
      runScript(src, { invoke: () => Promise.reject("just text") }),
      runScript(src, { invoke: (() => 42) as unknown as (t: InvokeTask) => Promise<unknown> }),
      runScript(src, { invoke: async () => circular }),
      runScript(src, { invoke: async () => undefined }),
    ]);
    expect(results.map((r) => r.error?.message)).toEqual([
      "sync",
      "just text",
      undefined,
      "The response contains a circular value",
      undefined,
    ]);
    expect(results[2].output).toEqual(["42"]);
    expect(results[4].output).toEqual([""]);
  });
});

describe("runScript: values and info", () => {
  test("info formats", async () => {
    const { output, error } = await run(`info "text";
info 10;
info 1.50;
info -3;
info -(2);
info true;
info false;
info null;
info {"a": 1, "b": {"c": {1}}.get("c")};
info {1, "a", {"k": null}};
info {};
info Map();
info List();
info "a" + 1 + 2;
info 1 + 2 + "a";
info 10 - 3 - 2;
info "n: " + null + "|" + true;
info "m=" + {"x": "y"};`);
    expect(error).toBeUndefined();
    expect(output).toStrictEqual([
      "text",
      "10",
      "1.5",
      "-3",
      "-2",
      "true",
      "false",
      "",
      '{"a":1,"b":[1]}',
      '[1,"a",{"k":null}]',
      "{}",
      "{}",
      "[]",
      "a12",
      "3a",
      "5",
      "n: |true",
      'm={"x":"y"}',
    ]);
  });

  test("string escapes in double and single quotes", async () => {
    const { output } = await run(String.raw`info "a\"b\\c\nd\te\rf";
info 'it\'s "quoted"';
info "keep \d and \u0041";
info "it's";`);
    expect(output).toStrictEqual(['a"b\\c\nd\te\rf', `it's "quoted"`, "keep \\d and \\u0041", "it's"]);
  });

  test("comments are ignored everywhere", async () => {
    const { output } = await run(`// first
info /* inline */ "a" + // trailing
  "b"; /* multi
line */ info "c"; // info "not run";
/* info "nor this"; */`);
    expect(output).toStrictEqual(["ab", "c"]);
  });

  test("methods: get, put, add, toString, toMap, keys, size", async () => {
    const { output, error } = await run(`m = Map();
m.put("b", 1);
m.put("a", {"x": 2});
m.put("b", 3);
m.put(7, "seven");
info m;
info m.get("a").get("x");
info m.get(7);
info m.keys();
info m.size();
l = List();
l.add("x");
l.add(m.keys());
info l;
info l.size();
info l.get(1).get(0);
info m.toString() + "!";
j = "{\\"k\\": [1, {\\"z\\": null}], \\"t\\": true}".toMap();
info j.get("k").get(1);
info j.get("t");
info j.toMap().size();
info (1).toString() + 2;
info 5.toString();
same = m;
same.put("c", 0);
info m.size();`);
    expect(error).toBeUndefined();
    expect(output).toStrictEqual([
      '{"b":3,"a":{"x":2},"7":"seven"}',
      "2",
      "seven",
      '["b","a","7"]',
      "3",
      '["x",["b","a","7"]]',
      "2",
      "b",
      '{"b":3,"a":{"x":2},"7":"seven"}!',
      '{"z":null}',
      "true",
      "2",
      "12",
      "5",
      "4",
    ]);
  });

  test("variables used before assignment", async () => {
    expect(await run("info a;")).toMatchObject({
      output: [],
      error: { message: 'Variable "a" is not defined', line: 1, column: 1, kind: "runtime" },
    });
    expect(await run('info "ok";\n\n   x = y + 1;\ny = 2;')).toMatchObject({
      output: ["ok"],
      error: { message: 'Variable "y" is not defined', line: 3, column: 4, kind: "runtime" },
    });
  });

  test("runtime errors are reported at the statement and stop execution", async () => {
    const cases: [string, string, number, number][] = [
      ['s = "t";\ninfo s.get("k");', "Cannot call get() on a text", 2, 1],
      ["n = null;\n n.put(1, 2);", "Cannot call put() on null", 2, 2],
      ['info {1}.put("a", 1);', "Cannot call put() on a list", 1, 1],
      ["info {1}.get(3);", "get(): index 3 is out of range for a list of size 1", 1, 1],
      ['info {1}.get("0");', 'get(): a list index must be a whole number, not "0"', 1, 1],
      ["m = Map(); m.put({}, 1);", "put(): a key must be text or a number, not a map", 1, 12],
      ['info "x".size();', "Cannot call size() on a text", 1, 1],
      ['info 1 + {"a": 1};', "Cannot add a map to a number", 1, 1],
      ["info true + 1;", "Cannot add a number to a boolean", 1, 1],
      ['info "a" - 1;', "Cannot subtract a number from a text", 1, 1],
      ['info -"a";', "Cannot negate a text", 1, 1],
      ['info "nope".toMap();', "toMap(): the text is not valid JSON", 1, 1],
      ['info "[1]".toMap();', "toMap(): the text is not a JSON object", 1, 1],
      ['m = Map(); m.put("me", m); info m;', "Cannot convert a map that contains itself to text", 1, 28],
      ['l = List(); l.add(l); invokeurl [ url: "u" body: l ];', "Cannot convert a list that contains itself to text", 1, 23],
    ];
    for (const [source, message, line, column] of cases) {
      const r = await run(source + '\ninfo "not reached";');
      expect(r.error, source).toEqual({ message, line, column, kind: "runtime" });
      expect(r.output).not.toContain("not reached");
    }
  });

  test("parse errors run nothing", async () => {
    const r = await run('info "a";\ninvokeurl [ url: "u" ];\ninfo "b"');
    expect(r).toStrictEqual({
      output: [],
      tasks: [],
      error: { message: 'Expected ";" after statement', line: 3, column: 9, kind: "parse" },
    });
  });

  test("the step limit stops huge scripts", async () => {
    const source = 'info "x";\n'.repeat(100);
    const limited = await runScript(source, { invoke: async () => null, maxSteps: 30 });
    expect(limited.output).toHaveLength(15); // each info costs 2 steps: the statement and its expression
    expect(limited.error).toEqual({
      message: "Script stopped after 30 steps (step limit)",
      line: 16,
      column: 1,
      kind: "runtime",
    });
    const unlimited = await runScript(source, { invoke: async () => null });
    expect(unlimited.output).toHaveLength(100);
    expect(unlimited.error).toBeUndefined();
  });

  test("long flat sums run without stack overflow", async () => {
    const r = await run("a = 0" + " + 1".repeat(20_000) + ";\ninfo a;");
    expect(r).toMatchObject({ output: ["20000"] });
    expect(r.error).toBeUndefined();
  });
});

describe("runScript: every run is bounded (docs/product.md §9)", () => {
  const noCalls = { invoke: () => Promise.reject(new Error("no calls here")) };

  test("a 17 KB script that doubles a text 13 times and prints it 2,000 times stops at 1 MiB of output", async () => {
    const lines = ['t = "' + "x".repeat(1000) + '";'];
    for (let i = 0; i < 13; i++) lines.push("t = t + t;");
    for (let i = 0; i < 2000; i++) lines.push("info t;");
    const source = lines.join("\n");
    expect(source.length).toBeGreaterThan(15_000);
    expect(source.length).toBeLessThan(20_000);
    const result = await runScript(source, noCalls);
    expect(result.error?.message).toMatch(/output is limited to 1048576 bytes/);
    const printed = result.output.reduce((n, text) => n + Buffer.byteLength(text, "utf8"), 0);
    expect(printed).toBeLessThanOrEqual(1024 * 1024);
  });

  test("a list holding a long text many times is refused before its text is built", async () => {
    const lines = ['t = "' + "y".repeat(1000) + '";'];
    for (let i = 0; i < 10; i++) lines.push("t = t + t;");
    lines.push("l = List();");
    for (let i = 0; i < 2000; i++) lines.push("l.add(t);");
    lines.push("info l;");
    const result = await runScript(lines.join("\n"), noCalls);
    expect(result.error?.message).toMatch(/output is limited/);
    expect(result.output).toEqual([]);
  });

  test("the output bound is the caller's to set, in UTF-8 bytes", async () => {
    const result = await runScript('info "ééé";\ninfo "ééé";', { ...noCalls, maxOutputBytes: 8 });
    expect(result.output).toEqual(["ééé"]);
    expect(result.error?.message).toMatch(/limited to 8 bytes/);
  });

  test("a run stops at its deadline even while a call never answers", async () => {
    const result = await runScript('info "start";\nr = invokeurl [ url: "https://api.example.com/" ];\ninfo "never";', {
      invoke: () => new Promise(() => undefined),
      timeoutMs: 200,
    });
    expect(result.output).toEqual(["start"]);
    expect(result.error?.message).toMatch(/ran longer than the time a console run may take/);
  });
});
