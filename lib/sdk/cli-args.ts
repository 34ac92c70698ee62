import { parseArgs } from "node:util";
import { INVOKE_METHODS, type InvokeMethod, type InvokeRequest } from "./index";

/*
 * Argument parsing of `npm run invoke` (scripts/invoke.ts). Pure: no process, no I/O, so
 * that every rule is unit-tested.
 */

export const USAGE = `Usage: npm run invoke -- --connection <link> --url <url> [options]

Calls an API through a Connections connection and prints the response body.

  -c, --connection <link>   the connection's link name (required)
  -u, --url <url>           the absolute URL to call (required)
  -X, --method <method>     ${INVOKE_METHODS.join(", ")} (default GET)
  -p, --param <k=v>         a parameter; repeatable. Query string for GET/DELETE,
                            form body for POST/PUT/PATCH unless --data is given
  -H, --header <k:v>        a request header; repeatable
  -d, --data <body>         the request body, sent as is
      --detailed            print { responseCode, responseHeader, responseText }
  -h, --help                show this help

Environment:
  CONNECTIONS_URL     where Connections runs (default http://localhost:3000)
  CONNECTIONS_TOKEN   a personal access token (cxn_…), created in Connections → Settings

Exit codes: 0 success, 1 Connections error, 2 usage error, 3 the upstream API answered non-2xx.`;

export const DEFAULT_CONNECTIONS_URL = "http://localhost:3000";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type CliCommand = { kind: "help" } | { kind: "invoke"; request: InvokeRequest };

/** `k=v` (the first `=` splits; `k=v=w` → k: "v=w"). */
function parseParam(text: string): [string, string] {
  const at = text.indexOf("=");
  if (at < 0) throw new UsageError(`--param "${text}" must look like key=value`);
  const key = text.slice(0, at);
  if (key === "") throw new UsageError(`--param "${text}" has an empty key`);
  return [key, text.slice(at + 1)];
}

/** `k:v` or `k: v` (the first `:` splits; both sides trimmed). */
function parseHeader(text: string): [string, string] {
  const at = text.indexOf(":");
  if (at < 0) throw new UsageError(`--header "${text}" must look like Name: value`);
  const name = text.slice(0, at).trim();
  if (name === "") throw new UsageError(`--header "${text}" has an empty name`);
  return [name, text.slice(at + 1).trim()];
}

/** Parses the arguments after `--`; throws UsageError with a message for the user. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        connection: { type: "string", short: "c" },
        url: { type: "string", short: "u" },
        method: { type: "string", short: "X" },
        param: { type: "string", short: "p", multiple: true },
        header: { type: "string", short: "H", multiple: true },
        data: { type: "string", short: "d" },
        detailed: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { kind: "help" };

  const connection = values.connection?.trim();
  const url = values.url?.trim();
  if (!connection) throw new UsageError("--connection <link name> is required");
  if (!url) throw new UsageError("--url <url> is required");

  const request: InvokeRequest = { connection, url };

  if (values.method !== undefined) {
    const method = values.method.trim().toUpperCase();
    if (!(INVOKE_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(`--method must be one of ${INVOKE_METHODS.join(", ")} (got "${values.method}")`);
    }
    request.method = method as InvokeMethod;
  }

  if (values.param?.length) {
    const parameters: Record<string, string> = {};
    for (const text of values.param) {
      const [key, value] = parseParam(text);
      if (Object.hasOwn(parameters, key)) throw new UsageError(`--param ${key} is given more than once`);
      parameters[key] = value;
    }
    request.parameters = parameters;
  }

  if (values.header?.length) {
    const headers: Record<string, string> = {};
    const names = new Map<string, string>(); // lower-case → first spelling
    for (const text of values.header) {
      const [name, value] = parseHeader(text);
      const key = names.get(name.toLowerCase()) ?? name;
      names.set(name.toLowerCase(), key);
      // Repeated headers are one header whose values are joined (RFC 9110 §5.3).
      headers[key] = Object.hasOwn(headers, key) ? `${headers[key]}, ${value}` : value;
    }
    request.headers = headers;
  }

  if (values.data !== undefined) request.body = values.data;
  if (values.detailed) request.detailed = true;
  return { kind: "invoke", request };
}

/** The base URL and token from the environment; throws UsageError when the token is missing. */
export function cliConfigFromEnv(environment: Readonly<Record<string, string | undefined>>): { baseUrl: string; token: string } {
  const token = environment.CONNECTIONS_TOKEN?.trim();
  if (!token) {
    throw new UsageError(
      "CONNECTIONS_TOKEN is not set: create a personal access token in Connections → Settings and run\n  CONNECTIONS_TOKEN=cxn_… npm run invoke -- …",
    );
  }
  const baseUrl = environment.CONNECTIONS_URL?.trim() || DEFAULT_CONNECTIONS_URL;
  try {
    const parsed = new URL(baseUrl);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new UsageError(
      `CONNECTIONS_URL must be an absolute http(s) URL such as https://connections.example.com (got "${baseUrl}")`,
    );
  }
  return { baseUrl, token };
}

/** What to print for a response body: pretty JSON for parsed values, text as is. */
export function formatBody(body: unknown): string {
  if (typeof body === "string") return body;
  if (body === undefined) return "";
  return JSON.stringify(body, null, 2);
}
