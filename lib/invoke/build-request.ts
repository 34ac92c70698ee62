import "server-only";
import { Invalid } from "@/lib/errors";
import { appendQuery, FORM_CONTENT_TYPE, isFormContentType, serializeForm } from "@/lib/http/form";
import { findHeader, withoutHeaders } from "@/lib/http/headers";
import type { InvokeMethod, InvokeRequest } from "@/lib/validation/invoke";

/**
 * The caller's request, before any credential: what `parameters`, `body` and `headers`
 * make of it under docs/product.md §7 (Deluge `invokeurl` rules).
 */
export type PreparedRequest = {
  method: InvokeMethod;
  /** Absolute URL, `parameters` already in its query when they go there. */
  url: string;
  /** The caller's headers, names as given. */
  headers: Record<string, string>;
  /** Form fields built from map `parameters` (POST/PUT/PATCH without `body`); sent form-encoded. */
  form?: Array<[string, string]>;
  /** A raw body: `body`, or string `parameters` on POST/PUT/PATCH without `body`. */
  body?: string;
};

/** Methods whose `parameters` go to the query string (docs/product.md §7). */
const QUERY_METHODS = new Set<InvokeMethod>(["GET", "DELETE"]);

function parameterText(value: string | number | boolean): string {
  return typeof value === "string" ? value : String(value);
}

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** A Content-Type for a raw body the caller sent without one: JSON when it is JSON, else plain text. */
function defaultContentType(body: string): string {
  return looksLikeJson(body) ? "application/json" : "text/plain; charset=utf-8";
}

/**
 * Applies docs/product.md §7: `parameters` go to the query string for GET and DELETE, and to a
 * form body for POST, PUT and PATCH unless `body` is given (then to the query string).
 * Map values are converted to text (`true`, `42`). A string `parameters` is taken as an
 * already-encoded query (`a=1&b=2`) where it goes to the query, and as the raw body where
 * it goes to the body. A raw body without a Content-Type header gets `application/json`
 * when it parses as JSON, else `text/plain; charset=utf-8`.
 */
export function buildRequest(input: Pick<InvokeRequest, "url" | "method" | "parameters" | "headers" | "body">): PreparedRequest {
  const method = input.method;
  let url = new URL(input.url).href;
  let headers: Record<string, string> = { ...(input.headers ?? {}) };
  const params = input.parameters;
  const hasParams = params !== undefined && (typeof params === "string" ? params !== "" : Object.keys(params).length > 0);
  const body = input.body;

  if (body !== undefined && body !== "" && method === "GET") {
    throw new Invalid("A GET request cannot carry a body: use parameters (they go to the query string) or another method", {
      body: ["A GET request cannot carry a body"],
    });
  }

  const toQuery = QUERY_METHODS.has(method) || body !== undefined;
  const prepared: PreparedRequest = { method, url, headers };

  if (hasParams) {
    if (toQuery) {
      const encoded =
        typeof params === "string" ? params : serializeForm(Object.entries(params).map(([k, v]) => [k, parameterText(v)]));
      url = appendQuery(url, encoded);
    } else if (typeof params === "string") {
      prepared.body = params;
      if (findHeader(headers, "content-type") === undefined) headers["Content-Type"] = defaultContentType(params);
    } else {
      prepared.form = Object.entries(params).map(([k, v]) => [k, parameterText(v)]);
      // A form body is a form: a caller's other Content-Type would misdescribe it.
      if (!isFormContentType(findHeader(headers, "content-type"))) {
        headers = { ...withoutHeaders(headers, ["content-type"]), "Content-Type": FORM_CONTENT_TYPE };
      }
    }
  }
  if (body !== undefined) {
    prepared.body = body;
    if (body !== "" && findHeader(headers, "content-type") === undefined) headers["Content-Type"] = defaultContentType(body);
  }
  prepared.url = url;
  prepared.headers = headers;
  return prepared;
}
