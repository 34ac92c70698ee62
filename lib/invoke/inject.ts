import "server-only";
import { applyOAuth1 } from "@/lib/oauth1/apply";
import { appendQuery, FORM_CONTENT_TYPE, isFormContentType, percentDecode, serializeForm } from "@/lib/http/form";
import { findHeader, withoutHeaders } from "@/lib/http/headers";
import type { ParamType } from "@/lib/validation/enums";
import type { PreparedRequest } from "./build-request";

/** Everything injection needs of a credential and its service; built by invoke.ts, never logged. */
export type InjectableCredential =
  | {
      type: "api_key";
      params: ReadonlyArray<{ name: string; paramType: ParamType; prefix?: string }>;
      values: Record<string, string>;
    }
  | { type: "basic"; username: string; password: string }
  | {
      type: "oauth1";
      consumerKey: string;
      consumerSecret: string;
      token: string;
      tokenSecret: string;
      paramType: ParamType;
    }
  | { type: "oauth2"; accessToken: string; paramType: "header" | "query" };

/** The request as it goes on the wire. */
export type WireRequest = { method: string; url: string; headers: Record<string, string>; body?: string };

/** RFC 5849 protocol parameters: a caller cannot smuggle their own next to ours. */
const OAUTH1_PROTOCOL_PARAMS = [
  "oauth_consumer_key",
  "oauth_token",
  "oauth_signature_method",
  "oauth_signature",
  "oauth_timestamp",
  "oauth_nonce",
  "oauth_version",
  "oauth_callback",
  "oauth_verifier",
  "oauth_body_hash",
];

/** Methods that may carry a form body the credential can join (docs/product.md §7 sends GET/DELETE parameters in the query). */
const FORM_BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

function nameOf(piece: string): string {
  const eq = piece.indexOf("=");
  return percentDecode(eq === -1 ? piece : piece.slice(0, eq), true);
}

/** Removes `a=…` pieces whose decoded name is in `names` from encoded `a=1&b=2` text, keeping the rest byte for byte. */
function dropEncoded(text: string, names: ReadonlySet<string>): string {
  if (names.size === 0 || text === "") return text;
  return text
    .split("&")
    .filter((piece) => piece !== "" && !names.has(nameOf(piece)))
    .join("&");
}

function dropQueryParams(url: string, names: ReadonlySet<string>): string {
  if (names.size === 0) return url;
  const u = new URL(url);
  const query = u.search.startsWith("?") ? u.search.slice(1) : "";
  if (!query) return url;
  const kept = dropEncoded(query, names);
  if (kept === query) return url;
  u.search = kept;
  return u.href;
}

function setFormContentType(headers: Record<string, string>): Record<string, string> {
  if (isFormContentType(findHeader(headers, "content-type"))) return headers;
  return { ...withoutHeaders(headers, ["content-type"]), "Content-Type": FORM_CONTENT_TYPE };
}

/** The request without any credential: form fields serialized, nothing else changed. */
export function toWire(request: PreparedRequest): WireRequest {
  if (request.form !== undefined) {
    return {
      method: request.method,
      url: request.url,
      headers: setFormContentType(request.headers),
      body: serializeForm(request.form),
    };
  }
  return {
    method: request.method,
    url: request.url,
    headers: { ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
  };
}

function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/**
 * Adds the credential to a prepared request, by auth type and param type (docs/product.md §7):
 *
 * - API key: each parameter goes to the query string, the form body or a header (value =
 *   `prefix` + key). A `form` parameter needs a form body: on GET and DELETE (whose
 *   parameters go to the query string), and on a request whose body is not a form
 *   (JSON, XML, …), it goes to the query string instead.
 * - Basic: `Authorization: Basic base64(username:password)`.
 * - OAuth 1.0a: signed by lib/oauth1 with the protocol parameters in the `Authorization:
 *   OAuth …` header, the query string or the form body (same fallback to the query string).
 * - OAuth 2: `Authorization: Bearer <token>` (header) or `access_token=<token>` (query).
 *
 * The caller cannot override the injected auth: their headers with an injected header's
 * name (any case) are dropped, and so is any `Authorization` header for Basic and OAuth;
 * their query or form parameters named like an injected parameter (and OAuth 1 protocol
 * parameters, and `access_token` for OAuth 2) are dropped too.
 *
 * `credential` null sends the request without any (a redirect to a host the service does
 * not allow).
 */
export function injectCredential(request: PreparedRequest, credential: InjectableCredential | null): WireRequest {
  if (credential === null) return toWire(request);
  const method = request.method;
  let headers = { ...request.headers };
  let url = request.url;
  let form = request.form ? [...request.form] : undefined;
  let body = request.body;
  const rawFormBody = form === undefined && body !== undefined && isFormContentType(findHeader(headers, "content-type"));
  /** Whether a credential can ride in a form body of this request. */
  const formPossible =
    form !== undefined || rawFormBody || (FORM_BODY_METHODS.has(method) && (body === undefined || body === ""));

  switch (credential.type) {
    case "api_key": {
      const headerParams = credential.params.filter((p) => p.paramType === "header");
      headers = withoutHeaders(
        headers,
        headerParams.map((p) => p.name),
      );
      const toQuery: Array<[string, string]> = [];
      const toForm: Array<[string, string]> = [];
      for (const p of credential.params) {
        const value = credential.values[p.name];
        if (value === undefined) continue;
        const text = `${p.prefix ?? ""}${value}`;
        if (p.paramType === "header") headers[p.name] = text;
        else if (p.paramType === "form" && formPossible) toForm.push([p.name, text]);
        else toQuery.push([p.name, text]);
      }
      const names = new Set([...toQuery, ...toForm].map(([n]) => n));
      url = dropQueryParams(url, names);
      if (toQuery.length) url = appendQuery(url, serializeForm(toQuery));
      if (toForm.length) {
        if (form !== undefined) form = [...form.filter(([n]) => !names.has(n)), ...toForm];
        else if (rawFormBody) {
          const kept = dropEncoded(body ?? "", names);
          body = kept ? `${kept}&${serializeForm(toForm)}` : serializeForm(toForm);
        } else {
          form = toForm;
          body = undefined;
        }
        headers = setFormContentType(headers);
      } else if (form !== undefined) {
        form = form.filter(([n]) => !names.has(n));
      } else if (rawFormBody) {
        body = dropEncoded(body ?? "", names);
      }
      break;
    }
    case "basic":
      headers = withoutHeaders(headers, ["authorization"]);
      headers.Authorization = basicAuthorization(credential.username, credential.password);
      break;
    case "oauth2":
      headers = withoutHeaders(headers, ["authorization"]);
      url = dropQueryParams(url, new Set(["access_token"]));
      if (credential.paramType === "query") url = appendQuery(url, serializeForm([["access_token", credential.accessToken]]));
      else headers.Authorization = `Bearer ${credential.accessToken}`;
      break;
    case "oauth1": {
      headers = withoutHeaders(headers, ["authorization"]);
      const names = new Set(OAUTH1_PROTOCOL_PARAMS);
      url = dropQueryParams(url, names);
      if (form !== undefined) form = form.filter(([n]) => !names.has(n));
      else if (rawFormBody) body = dropEncoded(body ?? "", names);
      const signed = applyOAuth1(
        {
          method,
          url,
          headers,
          ...(form !== undefined ? { bodyParams: form } : body !== undefined ? { body } : {}),
        },
        {
          consumerKey: credential.consumerKey,
          consumerSecret: credential.consumerSecret,
          token: credential.token,
          tokenSecret: credential.tokenSecret,
        },
        credential.paramType,
      );
      return {
        method: signed.method,
        url: signed.url,
        headers: signed.headers,
        ...(signed.body !== undefined ? { body: signed.body } : {}),
      };
    }
  }
  return toWire({ method, url, headers, form, body });
}
