import "server-only";
import type { ParamType } from "@/lib/validation/enums";
import { appendQuery, FORM_CONTENT_TYPE, isFormContentType, parseFormEncoded, serializeForm } from "@/lib/http/form";
import { findHeader, setHeader } from "@/lib/http/headers";
import { OAuth1Error } from "./errors";
import { baseStringUri, signRequest, type SignatureMethod } from "./signature";

/** A request before signing. Give a form body as `bodyParams`, or any other body as `body`. */
export type OAuth1Request = {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Form fields, sent as application/x-www-form-urlencoded and signed. */
  bodyParams?: Array<[string, string]>;
  /**
   * A raw body. Signed only when the Content-Type header says
   * application/x-www-form-urlencoded (RFC 5849 §3.4.1.3.1); otherwise sent unsigned, as is.
   */
  body?: string;
};

export type OAuth1Credentials = {
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  signatureMethod?: SignatureMethod;
  realm?: string;
  extraOAuthParams?: Record<string, string>;
  includeVersion?: boolean;
  /** Fixed nonce / timestamp, for tests. */
  nonce?: string;
  timestamp?: string;
};

/** The request to send: every field is final (send `body` as it is, not `bodyParams`). */
export type SignedOAuth1Request = {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The exact body to send, if any. */
  body?: string;
  /** The decoded form fields of `body` when it is a form (protocol parameters included if placed there). */
  bodyParams?: Array<[string, string]>;
  /** Where the protocol parameters went; differs from the asked paramType only on the form → query fallback. */
  placement: ParamType;
  oauthParams: Array<[string, string]>;
  signature: string;
  baseString: string;
};

/** fetch refuses a body on these (TypeError), so they can never carry form data. */
const NO_BODY_METHODS = new Set(["GET", "HEAD"]);
/**
 * Methods whose requests conventionally have no body: many servers and proxies ignore or
 * reject a body on them, and docs/product.md §7 sends parameters of GET/DELETE in the query.
 */
const NO_FORM_BODY_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/**
 * Signs a request and places the protocol parameters per `paramType` (RFC 5849 §3.5):
 * - `header`: `Authorization: OAuth …` (with the realm, if any);
 * - `query`: appended to the URL's query;
 * - `form`: appended to the form body (Content-Type application/x-www-form-urlencoded).
 *
 * The signature covers exactly what is returned: the returned URL's query (minus the
 * protocol parameters appended to it), the returned form body, and the protocol parameters.
 * The method is returned in uppercase, because the base string uses the uppercase method.
 */
export function applyOAuth1(request: OAuth1Request, creds: OAuth1Credentials, paramType: ParamType): SignedOAuth1Request {
  const method = request.method.toUpperCase();
  const headers: Record<string, string> = { ...request.headers };
  baseStringUri(request.url); // validates the URL (absolute, http or https) before anything else

  if (request.bodyParams !== undefined && request.body !== undefined) {
    throw new OAuth1Error("invalid_request", "Give either bodyParams or body, not both.");
  }
  const hasBody = request.bodyParams !== undefined || (request.body !== undefined && request.body !== "");
  if (hasBody && NO_BODY_METHODS.has(method)) {
    throw new OAuth1Error("invalid_request", `A ${method} request cannot carry a body; put its parameters in the URL.`);
  }

  // The form fields that will be sent (and so must be signed), and the body text they came from.
  let formParams: Array<[string, string]> | undefined;
  let formText: string | undefined;
  if (request.bodyParams !== undefined) {
    formParams = request.bodyParams.map(([n, v]) => [n, v]);
    formText = serializeForm(formParams);
    setHeader(headers, "Content-Type", FORM_CONTENT_TYPE);
  } else if (request.body !== undefined && isFormContentType(findHeader(headers, "content-type"))) {
    // Keep the caller's bytes; sign what a server will decode from them.
    formParams = parseFormEncoded(request.body);
    formText = request.body;
  }

  let placement: ParamType = paramType;
  if (paramType === "form" && formParams === undefined) {
    if (request.body !== undefined && request.body !== "") {
      // RFC 5849 §3.5.2 allows protocol parameters in the body only when the body is a
      // single-part application/x-www-form-urlencoded entity. This request carries another
      // kind of body (JSON, XML, …), so the parameters go in the query (§3.5.3) instead.
      placement = "query";
    } else if (NO_FORM_BODY_METHODS.has(method)) {
      // GET and HEAD cannot have a body at all (fetch throws), and DELETE/OPTIONS/TRACE
      // bodies are ignored or refused by many servers: the only other place a server
      // reads protocol parameters from without a header is the query (§3.5.3).
      placement = "query";
    } else {
      // POST/PUT/PATCH without a body: a form body holding only the protocol parameters.
      formParams = [];
      formText = "";
      setHeader(headers, "Content-Type", FORM_CONTENT_TYPE);
    }
  }

  const signed = signRequest({
    method,
    url: request.url,
    consumerKey: creds.consumerKey,
    consumerSecret: creds.consumerSecret,
    token: creds.token,
    tokenSecret: creds.tokenSecret,
    bodyParams: formParams,
    signatureMethod: creds.signatureMethod,
    extraOAuthParams: creds.extraOAuthParams,
    includeVersion: creds.includeVersion,
    nonce: creds.nonce,
    timestamp: creds.timestamp,
    realm: creds.realm,
  });

  let url = request.url;
  let body: string | undefined = formText ?? request.body;
  let bodyParams = formParams;
  switch (placement) {
    case "header":
      setHeader(headers, "Authorization", signed.authorization);
      break;
    case "query":
      url = appendQuery(request.url, serializeForm(signed.oauthParams));
      break;
    case "form": {
      const oauthText = serializeForm(signed.oauthParams);
      body = formText ? `${formText}&${oauthText}` : oauthText;
      bodyParams = [...(formParams ?? []), ...signed.oauthParams];
      break;
    }
  }

  return {
    method,
    url,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(bodyParams !== undefined ? { bodyParams } : {}),
    placement,
    oauthParams: signed.oauthParams,
    signature: signed.signature,
    baseString: signed.baseString,
  };
}
