import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What the echo API saw of one request; also the JSON body of its default answer. */
export interface EchoRecord {
  method: string;
  path: string;
  /** Repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** Lower-cased names, repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  form: Record<string, string | string[]> | null;
  json: unknown;
}

export interface EchoApiOptions {
  port?: number;
  /** RFC 7662 endpoint that `/oauth/protected` checks bearer tokens against (client_secret_basic). */
  introspect?: { url: string; clientId: string; clientSecret: string };
}

export interface EchoApi {
  url: string;
  close(): Promise<void>;
  requests: EchoRecord[];
  /** Lets every request held at `/hold` finish its body. */
  release(): void;
}

function paramsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = result[key];
    result[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return result;
}

async function readRecord(request: IncomingMessage, url: URL): Promise<EchoRecord> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const headers: Record<string, string> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    const value = request.rawHeaders[i + 1];
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const contentType = (headers["content-type"] ?? "").toLowerCase();
  let json: unknown = null;
  if (contentType.includes("json")) {
    try {
      json = JSON.parse(body);
    } catch {
      json = null;
    }
  }
  return {
    method: request.method ?? "GET",
    path: url.pathname,
    query: paramsToObject(url.searchParams),
    headers,
    body,
    form: contentType.startsWith("application/x-www-form-urlencoded") ? paramsToObject(new URLSearchParams(body)) : null,
    json,
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  if (status === 204 || status === 304) {
    response.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(payload);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

async function streamBytes(response: ServerResponse, total: number, declareLength: boolean): Promise<void> {
  response.writeHead(200, { "content-type": "application/octet-stream", ...(declareLength ? { "content-length": total } : {}) });
  const chunk = Buffer.alloc(64 * 1024, "x");
  for (let sent = 0; sent < total && !response.destroyed; sent += chunk.length) {
    const ok = response.write(chunk.subarray(0, Math.min(chunk.length, total - sent)));
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off("drain", done).off("close", done);
          resolve();
        };
        response.on("drain", done).on("close", done);
      });
    }
  }
  response.end();
}

// RFC 6750 §2.1 header, or §2.3 query parameter.
function bearerToken(record: EchoRecord): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(record.headers.authorization ?? "");
  if (match) return match[1];
  const fromQuery = record.query.access_token;
  return typeof fromQuery === "string" && fromQuery !== "" ? fromQuery : null;
}

async function introspect(token: string, endpoint: NonNullable<EchoApiOptions["introspect"]>): Promise<Record<string, unknown>> {
  // RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
  const basic = Buffer.from(`${encodeURIComponent(endpoint.clientId)}:${encodeURIComponent(endpoint.clientSecret)}`).toString(
    "base64",
  );
  const answer = await fetch(endpoint.url, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
  });
  if (!answer.ok) throw new Error(`introspection answered ${answer.status}`);
  return (await answer.json()) as Record<string, unknown>;
}

type Hold = { released: Promise<void>; release(): void };

function newHold(): Hold {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: EchoApiOptions,
  requests: EchoRecord[],
  hold: () => Hold,
) {
  const url = new URL(request.url ?? "/", "http://echo.invalid");
  const record = await readRecord(request, url);
  requests.push(record);
  const query = url.searchParams;

  const statusMatch = /^\/status\/(\d{3})$/.exec(url.pathname);
  if (statusMatch) return sendJson(response, Number(statusMatch[1]), { status: Number(statusMatch[1]), request: record });

  if (url.pathname === "/redirect") {
    const status = Number(query.get("status") ?? "302");
    // Without `to` it redirects to itself: a loop.
    response.writeHead(status, { location: query.get("to") ?? url.pathname + url.search, "content-length": 0 }).end();
    return;
  }
  if (url.pathname === "/slow") {
    const ms = Number(query.get("ms") ?? "1000");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      response.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!response.destroyed) sendJson(response, 200, record);
    return;
  }
  if (url.pathname === "/hold") {
    // The first line at once, the rest only after release(): shows whether a proxy streams.
    response.writeHead(200, { "content-type": "text/plain" });
    response.write("first\n");
    await hold().released;
    response.end("rest\n");
    return;
  }
  if (url.pathname === "/cookie") {
    return sendJson(response, 200, record, { "set-cookie": ["upstream_session=s3ss10n; HttpOnly", "tracker=t1"] });
  }
  if (url.pathname === "/bytes") {
    return streamBytes(response, Number(query.get("n") ?? "0"), query.get("length") === "1");
  }
  if (url.pathname === "/oauth/protected") {
    const token = bearerToken(record);
    if (!token) return sendJson(response, 401, { error: "invalid_request" }, { "www-authenticate": 'Bearer realm="echo"' });
    if (!options.introspect) return sendJson(response, 200, { sub: null, scope: null, client_id: null, token });
    const result = await introspect(token, options.introspect);
    if (result.active !== true) {
      return sendJson(response, 401, { error: "invalid_token" }, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    return sendJson(response, 200, { sub: result.sub ?? null, scope: result.scope ?? null, client_id: result.client_id ?? null });
  }
  return sendJson(response, 200, record);
}

/**
 * A loopback HTTP API that answers every request with what it received, for
 * checking what the invoke engine really sent. Special paths:
 * `/status/<code>`, `/redirect?to=<url>&status=<3xx>` (a loop without `to`), `/slow?ms=<n>`,
 * `/bytes?n=<n>[&length=1]` (with Content-Length when `length=1`), `/hold` (one line, the rest after
 * `release()`), `/cookie` (sets two cookies) and
 * `/oauth/protected` (Bearer token, checked by introspection when configured).
 */
export async function startEchoApi(options: EchoApiOptions = {}): Promise<EchoApi> {
  const requests: EchoRecord[] = [];
  let current = newHold();
  const server = createServer((request, response) => {
    handle(request, response, options, requests, () => current).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: "echo_failed", message: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    release() {
      current.release();
      current = newHold();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
