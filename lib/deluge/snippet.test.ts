import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { HTTP_METHODS } from "./ast";
import { runScript, type InvokeTask } from "./run";
import { delugeInvokeSnippet, type DelugeInvokeSnippetInput } from "./snippet";

async function roundTrip(input: DelugeInvokeSnippetInput) {
  const tasks: InvokeTask[] = [];
  const result = await runScript(delugeInvokeSnippet(input), {
    invoke: async (task) => {
      tasks.push(task);
      return { echoed: true };
    },
  });
  return { tasks, ...result };
}

describe("delugeInvokeSnippet", () => {
  test("the text shown on the summary page", () => {
    expect(
      delugeInvokeSnippet({
        linkName: "my_echo",
        url: "https://api.example.com/search",
        method: "post",
        parameters: { q: "hello world", limit: "10" },
        headers: { "X-Trace": "abc" },
        body: 'say "hi"\n',
      }),
    ).toBe(
      [
        "response = invokeurl",
        "[",
        '\turl: "https://api.example.com/search"',
        "\ttype: POST",
        '\tparameters: {"q": "hello world", "limit": "10"}',
        '\theaders: {"X-Trace": "abc"}',
        '\tbody: "say \\"hi\\"\\n"',
        '\tconnection: "my_echo"',
        "];",
        "info response;",
        "",
      ].join("\n"),
    );
  });

  test("minimal snippet and its round trip", async () => {
    const input = { linkName: "gh", url: "https://api.github.com/user", method: "GET" };
    expect(delugeInvokeSnippet(input)).toBe(
      'response = invokeurl\n[\n\turl: "https://api.github.com/user"\n\ttype: GET\n\tconnection: "gh"\n];\ninfo response;\n',
    );
    const r = await roundTrip(input);
    expect(r.tasks).toStrictEqual([{ url: "https://api.github.com/user", method: "GET", connection: "gh" }]);
    expect(r.output).toStrictEqual(['{"echoed":true}']);
    expect(r.error).toBeUndefined();
  });

  test("parameters as text, empty maps omitted, detailed", async () => {
    const r = await roundTrip({
      linkName: "l",
      url: "u",
      method: "DELETE",
      parameters: "a=1&b=\\2",
      headers: {},
      detailed: true,
    });
    expect(r.tasks).toStrictEqual([{ url: "u", method: "DELETE", parameters: "a=1&b=\\2", connection: "l", detailed: true }]);
    const empty = await roundTrip({ linkName: "l", url: "u", method: "PUT", parameters: {} });
    expect(empty.tasks).toStrictEqual([{ url: "u", method: "PUT", connection: "l" }]);
  });

  test("an unknown method becomes a quoted type that runScript reports", async () => {
    const r = await roundTrip({ linkName: "l", url: "u", method: "TRACE" });
    expect(r.error).toMatchObject({
      kind: "runtime",
      message: 'invokeurl: invalid type "TRACE"; expected GET, POST, PUT, PATCH or DELETE',
    });
  });

  test("property: any input round-trips through runScript unchanged", async () => {
    const text = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary" }),
      fc.constantFrom('"', "\\", "\n", "\r\n", "\t", "'", "*/", "//"),
    );
    const record = fc.dictionary(text, text, { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            linkName: text,
            url: text.filter((u) => u !== ""),
            method: fc.constantFrom(...HTTP_METHODS, "get", "Patch"),
            parameters: fc.oneof(record, text),
            headers: record,
            body: text,
            detailed: fc.boolean(),
          },
          { requiredKeys: ["linkName", "url", "method"] },
        ),
        async (input) => {
          const r = await roundTrip(input);
          expect(r.error).toBeUndefined();
          const expected: InvokeTask = { url: input.url, method: input.method.toUpperCase() as InvokeTask["method"] };
          if (typeof input.parameters === "string") expected.parameters = input.parameters;
          else if (input.parameters && Object.keys(input.parameters).length) expected.parameters = { ...input.parameters };
          if (input.headers && Object.keys(input.headers).length) expected.headers = { ...input.headers };
          if (input.body !== undefined) expected.body = input.body;
          expected.connection = input.linkName;
          if (input.detailed !== undefined) expected.detailed = input.detailed;
          expect(r.tasks).toEqual([expected]);
          expect(Object.keys(r.tasks[0])).toEqual(Object.keys(expected).sort((a, b) => order(a) - order(b)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

const KEY_ORDER = ["url", "method", "parameters", "headers", "body", "connection", "detailed", "contentType"];
function order(k: string): number {
  return KEY_ORDER.indexOf(k);
}
