import { describe, expect, it } from "vitest";
import { cliConfigFromEnv, DEFAULT_CONNECTIONS_URL, formatBody, parseCliArgs, UsageError } from "./cli-args";

const base = ["--connection", "example_api", "--url", "https://api.example.com/v1/items"];

function request(argv: string[]) {
  const command = parseCliArgs(argv);
  if (command.kind !== "invoke") throw new Error("expected invoke");
  return command.request;
}

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

describe("parseCliArgs", () => {
  it("takes the connection and URL, and nothing else by default", () => {
    expect(request(base)).toEqual({ connection: "example_api", url: "https://api.example.com/v1/items" });
  });

  it("accepts the short forms and --opt=value", () => {
    expect(request(["-c", "a_b", "-u", "https://x.example/", "-X", "post", "-p", "a=1", "-H", "X-A: 1", "-d", "{}"])).toEqual({
      connection: "a_b",
      url: "https://x.example/",
      method: "POST",
      parameters: { a: "1" },
      headers: { "X-A": "1" },
      body: "{}",
    });
    expect(request(["--connection=a_b", "--url=https://x.example/?q=1", "--method=delete"])).toMatchObject({
      url: "https://x.example/?q=1",
      method: "DELETE",
    });
  });

  it("collects repeated --param, keeping everything after the first =", () => {
    expect(request([...base, "--param", "a=1", "--param", "filter=x=y=z", "--param", "empty="]).parameters).toEqual({
      a: "1",
      filter: "x=y=z",
      empty: "",
    });
  });

  it("refuses a --param without = or with an empty key, or given twice", () => {
    expect(usageError([...base, "--param", "novalue"])).toMatch(/key=value/);
    expect(usageError([...base, "--param", "=v"])).toMatch(/empty key/);
    expect(usageError([...base, "--param", "a=1", "--param", "a=2"])).toMatch(/more than once/);
  });

  it("collects repeated --header, trimming around the first colon", () => {
    expect(
      request([...base, "--header", "Accept: application/json", "-H", "X-Url:  https://a.example:8443/x ", "-H", "x-empty:"])
        .headers,
    ).toEqual({ Accept: "application/json", "X-Url": "https://a.example:8443/x", "x-empty": "" });
  });

  it("joins a header given twice (any case) into one value", () => {
    expect(request([...base, "-H", "Accept: a/b", "-H", "accept: c/d"]).headers).toEqual({ Accept: "a/b, c/d" });
  });

  it("refuses a --header without a colon or with an empty name", () => {
    expect(usageError([...base, "--header", "Accept application/json"])).toMatch(/Name: value/);
    expect(usageError([...base, "--header", " : v"])).toMatch(/empty name/);
  });

  it("takes --data as the body and --detailed as detailed: true", () => {
    expect(request([...base, "--data", '{"a": 1}', "--detailed"])).toMatchObject({ body: '{"a": 1}', detailed: true });
  });

  it("refuses an unknown method", () => {
    expect(usageError([...base, "--method", "TRACE"])).toMatch(/GET, POST, PUT, PATCH, DELETE/);
  });

  it("requires --connection and --url", () => {
    expect(usageError(["--url", "https://x.example/"])).toMatch(/--connection/);
    expect(usageError(["--connection", "a"])).toMatch(/--url/);
    expect(usageError(["--connection", " ", "--url", "https://x.example/"])).toMatch(/--connection/);
    expect(usageError([])).toMatch(/--connection/);
  });

  it("refuses unknown options, positionals and options missing their value", () => {
    usageError([...base, "--verbose"]);
    usageError([...base, "extra"]);
    usageError(["--connection", "a", "--url"]);
  });

  it("answers help", () => {
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["-h"])).toEqual({ kind: "help" });
  });
});

describe("cliConfigFromEnv", () => {
  it("needs CONNECTIONS_TOKEN and says how to get one", () => {
    expect(() => cliConfigFromEnv({})).toThrow(UsageError);
    expect(() => cliConfigFromEnv({ CONNECTIONS_TOKEN: "  " })).toThrow(/CONNECTIONS_TOKEN is not set.*Settings/s);
  });

  it("defaults CONNECTIONS_URL to localhost:3000 and checks it", () => {
    expect(cliConfigFromEnv({ CONNECTIONS_TOKEN: "cxn_a" })).toEqual({ baseUrl: DEFAULT_CONNECTIONS_URL, token: "cxn_a" });
    expect(cliConfigFromEnv({ CONNECTIONS_TOKEN: "cxn_a", CONNECTIONS_URL: "https://c.example" }).baseUrl).toBe(
      "https://c.example",
    );
    expect(() => cliConfigFromEnv({ CONNECTIONS_TOKEN: "cxn_a", CONNECTIONS_URL: "c.example" })).toThrow(/CONNECTIONS_URL/);
  });
});

describe("formatBody", () => {
  it("pretty-prints parsed JSON and leaves text as is", () => {
    expect(formatBody({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatBody(null)).toBe("null");
    expect(formatBody("plain")).toBe("plain");
  });
});
