/*
 * Connections client: call APIs through a connection from any Node ≥ 20 script (or any
 * runtime with fetch, AbortSignal.any and AbortSignal.timeout), given the app's base URL
 * and a personal access token.
 *
 *   const client = new ConnectionsClient({ baseUrl: "https://connections.example.com", token: "cxn_…" });
 *   const items = await client.invoke({ connection: "example_api", url: "https://api.example.com/v1/items" });
 *
 * Self-contained on purpose: no imports, so that this file can be copied into any project.
 * The request and response types mirror lib/validation/invoke.ts; sdk.test.ts checks that they
 * stay equal to the zod schemas' types.
 */

export const INVOKE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type InvokeMethod = (typeof INVOKE_METHODS)[number];

/** `POST /api/v1/invoke`'s body (docs/product.md §7). */
export type InvokeRequest = {
  /** The connection's link name ("Connection Link Name"). */
  connection: string;
  /** Absolute http(s) URL; its host must be one the connection's service allows. */
  url: string;
  /** Default GET. */
  method?: InvokeMethod;
  /**
   * Deluge `invokeurl` rules: to the query string for GET and DELETE; to a form body for
   * POST, PUT and PATCH unless `body` is given, then to the query string. A string is
   * taken as already encoded (`a=1&b=2`).
   */
  parameters?: Record<string, string | number | boolean> | string;
  headers?: Record<string, string>;
  /** Sent as the request body as is. */
  body?: string;
  /** true: answer `{ responseCode, responseHeader, responseText }` instead of the upstream response. */
  detailed?: boolean;
};

/** The `detailed: true` answer. */
export type InvokeDetailedResponse = {
  /** The upstream HTTP status. */
  responseCode: number;
  /** Upstream headers, lower-cased names; repeated headers joined with ", ". */
  responseHeader: Record<string, string>;
  /** The upstream body as UTF-8 text. */
  responseText: string;
};

export type ConnectionsClientOptions = {
  /** Where Connections runs, e.g. `https://connections.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** A personal access token, `cxn_…`. */
  token: string;
  /** Another fetch (tests, proxies). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Bound on a whole call, response body included. Default 60 s (the app's own bound is 40 s). */
  timeoutMs?: number;
  /** Default `connections-sdk`. */
  userAgent?: string;
};

export type InvokeOptions = {
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** For `invoke` without `detailed`: false returns the body of an upstream non-2xx answer instead of throwing. Default true. */
  throwOnUpstreamError?: boolean;
};

/** Header the app sets on its own error answers; upstream answers do not carry it. */
export const CONNECTIONS_ERROR_HEADER = "x-connections-error";

/**
 * The app's own error (`{ error: { code, message } }`), e.g. `unauthenticated`, `not_found`,
 * `needs_reauth`, `host_not_allowed`, `upstream_timeout`. Also `network_error` and `timeout`
 * (status 0) when the app itself could not be reached in time.
 */
export class ConnectionsApiError extends Error {
  readonly code: string;
  /** The app's HTTP status; 0 when no answer came. */
  readonly status: number;
  constructor(code: string, status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectionsApiError";
    this.code = code;
    this.status = status;
  }
}

/** The upstream API answered with a status outside 2xx (`invoke` without `detailed`). */
export class UpstreamHttpError extends Error {
  /** The upstream status. */
  readonly status: number;
  readonly headers: Headers;
  /** The upstream body as text. */
  readonly body: string;
  /** The body parsed like `invoke` would (JSON when it is JSON, else the text). */
  readonly data: unknown;
  constructor(status: number, headers: Headers, body: string) {
    super(`The upstream API answered HTTP ${status}`);
    this.name = "UpstreamHttpError";
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.data = parseBody(body, headers.get("content-type"));
  }
}

/** `application/json`, `application/problem+json`, … */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** JSON when the content type says so and it parses (null when empty), otherwise the text. */
export function parseBody(text: string, contentType: string | null | undefined): unknown {
  if (!isJsonContentType(contentType)) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorFromBody(status: number, text: string): ConnectionsApiError {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = parsed?.error?.code;
    const message = parsed?.error?.message;
    if (typeof code === "string" && typeof message === "string") return new ConnectionsApiError(code, status, message);
  } catch {
    // Not our JSON shape: fall through.
  }
  return new ConnectionsApiError(
    `http_${status}`,
    status,
    `Connections answered HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ""}`,
  );
}

export class ConnectionsClient {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #userAgent: string;

  constructor(options: ConnectionsClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError(
        `baseUrl must be an absolute URL such as https://connections.example.com (got "${String(options.baseUrl)}")`,
      );
    }
    if (base.protocol !== "https:" && base.protocol !== "http:")
      throw new TypeError("baseUrl must start with https:// or http://");
    if (typeof options.token !== "string" || options.token.trim() === "") {
      throw new TypeError("token is required: a personal access token (cxn_…) created in Connections → Settings");
    }
    if (/[\s\0]/.test(options.token.trim())) throw new TypeError("token must not contain spaces or line breaks");
    this.baseUrl = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
    this.#token = options.token.trim();
    this.#fetch = options.fetch ?? globalThis.fetch;
    if (typeof this.#fetch !== "function") throw new TypeError("No fetch available: use Node ≥ 20 or pass options.fetch");
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#userAgent = options.userAgent ?? "connections-sdk";
  }

  /**
   * Calls `POST /api/v1/invoke` and returns its Response: the upstream response unchanged
   * (any status, it is not thrown) or, with `detailed: true`, the JSON exchange.
   * Throws ConnectionsApiError for the app's own errors.
   */
  async invokeRaw(request: InvokeRequest, options: InvokeOptions = {}): Promise<Response> {
    const signals = [AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs)];
    if (options.signal) signals.push(options.signal);
    const signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}/api/v1/invoke`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${this.#token}`,
          "content-type": "application/json",
          "user-agent": this.#userAgent,
        },
        body: JSON.stringify(request),
        signal,
        redirect: "manual",
      });
    } catch (error) {
      throw this.#transportError(error, signal, options.signal);
    }
    if (this.#isOwnError(response, request)) {
      const text = await response.text().catch(() => "");
      throw errorFromBody(response.status, text);
    }
    return response;
  }

  /** `detailed: true`: the upstream exchange as `{ responseCode, responseHeader, responseText }`, whatever the upstream status. */
  invoke(request: InvokeRequest & { detailed: true }, options?: InvokeOptions): Promise<InvokeDetailedResponse>;
  /**
   * The upstream body, parsed as JSON when the upstream answered JSON, else as text.
   * Throws UpstreamHttpError when the upstream status is not 2xx (unless
   * `throwOnUpstreamError: false`), ConnectionsApiError for the app's own errors.
   */
  invoke<T = unknown>(request: InvokeRequest & { detailed?: false }, options?: InvokeOptions): Promise<T>;
  /** `detailed` known only at run time. */
  invoke<T = unknown>(request: InvokeRequest, options?: InvokeOptions): Promise<T | InvokeDetailedResponse>;
  async invoke(request: InvokeRequest, options: InvokeOptions = {}): Promise<unknown> {
    const response = await this.invokeRaw(request, options);
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.#transportError(error, undefined, options.signal);
    }
    if (request.detailed === true) {
      const parsed = parseBody(text, response.headers.get("content-type"));
      if (!response.ok || !isDetailed(parsed)) {
        throw new ConnectionsApiError(
          `http_${response.status}`,
          response.status,
          `Connections answered HTTP ${response.status} without a detailed response`,
        );
      }
      return parsed;
    }
    if (!response.ok && options.throwOnUpstreamError !== false) {
      throw new UpstreamHttpError(response.status, response.headers, text);
    }
    return parseBody(text, response.headers.get("content-type"));
  }

  /**
   * Ours: marked with the header and shaped `{ error: … }` (JSON). In `detailed` mode every
   * non-2xx answer is ours, since upstream answers come back as 200 JSON.
   */
  #isOwnError(response: Response, request: InvokeRequest): boolean {
    if (response.ok) return false;
    if (request.detailed === true) return true;
    return response.headers.get(CONNECTIONS_ERROR_HEADER) === "1" && isJsonContentType(response.headers.get("content-type"));
  }

  #transportError(error: unknown, signal: AbortSignal | undefined, callerSignal: AbortSignal | undefined): unknown {
    if (callerSignal?.aborted) return callerSignal.reason ?? error;
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || (signal?.aborted && signal.reason instanceof Error && signal.reason.name === "TimeoutError")) {
      return new ConnectionsApiError("timeout", 0, `Connections (${this.baseUrl}) did not answer in time`, { cause: error });
    }
    const detail = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return new ConnectionsApiError("network_error", 0, `Could not reach Connections at ${this.baseUrl}${detail}`, {
      cause: error,
    });
  }
}

function isDetailed(value: unknown): value is InvokeDetailedResponse {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.responseCode === "number" &&
    typeof v.responseText === "string" &&
    !!v.responseHeader &&
    typeof v.responseHeader === "object"
  );
}
