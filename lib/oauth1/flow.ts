import "server-only";
import type { ParamType } from "@/lib/validation/enums";
import { applyOAuth1 } from "./apply";
import { parseFormEncoded, percentEncode } from "@/lib/http/form";
import { redactProviderText } from "@/lib/http/redact";
import { describeEndpoint, OAuth1Error } from "./errors";
import type { SignatureMethod } from "./signature";

/** The injected fetch (e.g. the SSRF-guarded one from lib/http). */
export type FetchLike = typeof fetch;

/** Token endpoints answer a few hundred bytes; anything past this is not a token response. */
const MAX_RESPONSE_BYTES = 64 * 1024;

type CommonInput = {
  consumerKey: string;
  consumerSecret: string;
  paramType: ParamType;
  fetch: FetchLike;
  signatureMethod?: SignatureMethod;
  realm?: string;
  signal?: AbortSignal;
};

export type RequestTokenInput = CommonInput & {
  requestTokenUrl: string;
  /** Where the provider sends the user back, or "oob". */
  callbackUrl: string;
};

export type RequestTokenResult = {
  token: string;
  tokenSecret: string;
  callbackConfirmed: true;
  /** Any further parameters the provider returned. */
  extra: Record<string, string>;
};

export type AccessTokenInput = CommonInput & {
  accessTokenUrl: string;
  /** The temporary credentials from fetchRequestToken. */
  token: string;
  tokenSecret: string;
  verifier: string;
};

export type AccessTokenResult = {
  token: string;
  tokenSecret: string;
  /** Provider extras such as `user_id`, `screen_name`. */
  extra: Record<string, string>;
};

async function readCapped(response: Response): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > MAX_RESPONSE_BYTES) {
      chunks.push(value.subarray(0, MAX_RESPONSE_BYTES - size));
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return { text: new TextDecoder("utf-8").decode(all), truncated };
}

/**
 * Token responses are application/x-www-form-urlencoded (RFC 5849 §2.1, §2.3). Some
 * providers send them as text/plain or even JSON; both are accepted.
 */
function parseTokenResponse(text: string): Map<string, string> | null {
  const trimmed = text.trim();
  const params = new Map<string, string>();
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return null;
    }
    if (!json || typeof json !== "object" || Array.isArray(json)) return null;
    for (const [name, value] of Object.entries(json)) {
      if (typeof value === "string") params.set(name, value);
      else if (typeof value === "number" || typeof value === "boolean") params.set(name, String(value));
    }
    return params;
  }
  if (trimmed === "" || /[<\s]/.test(trimmed)) return null; // HTML, prose, …: not a form
  for (const [name, value] of parseFormEncoded(trimmed)) if (!params.has(name)) params.set(name, value);
  return params;
}

type Step = "request token" | "access token";

async function postSigned(
  step: Step,
  url: string,
  input: CommonInput,
  auth: { token?: string; tokenSecret?: string; extraOAuthParams: Record<string, string> },
  secrets: Array<string | undefined>,
): Promise<Map<string, string>> {
  const endpoint = describeEndpoint(url);
  const signed = applyOAuth1(
    { method: "POST", url, headers: { Accept: "application/x-www-form-urlencoded, text/plain;q=0.9, */*;q=0.1" } },
    {
      consumerKey: input.consumerKey,
      consumerSecret: input.consumerSecret,
      token: auth.token,
      tokenSecret: auth.tokenSecret,
      signatureMethod: input.signatureMethod,
      realm: input.realm,
      extraOAuthParams: auth.extraOAuthParams,
    },
    input.paramType,
  );

  let response: Response;
  try {
    response = await input.fetch(signed.url, {
      method: signed.method,
      headers: signed.headers,
      body: signed.body,
      // A redirect would re-send the signed parameters to a URL they were not signed for.
      redirect: "manual",
      signal: input.signal,
    });
  } catch (err) {
    if (err instanceof Error && err.name === "AbortError") throw err;
    const detail = err instanceof Error ? (redactProviderText(describeFetchFailure(err), secrets, 160) ?? "") : "";
    throw new OAuth1Error("network_error", `Could not reach the ${step} endpoint ${endpoint}${detail ? `: ${detail}` : ""}.`, {
      endpoint,
      cause: err,
    });
  }

  const { text, truncated } = await readCapped(response);
  const params = truncated ? null : parseTokenResponse(text);
  if (response.status < 200 || response.status > 299) {
    const excerpt = redactProviderText(text, secrets) ?? "";
    const rawProblem = params?.get("oauth_problem");
    const oauthProblem = rawProblem ? redactProviderText(rawProblem, secrets, 80) : undefined;
    const why = oauthProblem ? ` (oauth_problem=${oauthProblem})` : excerpt ? `: ${excerpt}` : "";
    throw new OAuth1Error("http_error", `The ${step} endpoint ${endpoint} answered HTTP ${response.status}${why}.`, {
      status: response.status,
      bodyExcerpt: excerpt || undefined,
      oauthProblem,
      endpoint,
    });
  }
  if (!params) {
    const excerpt = truncated ? "" : (redactProviderText(text, secrets) ?? "");
    throw new OAuth1Error(
      "malformed_response",
      truncated
        ? `The ${step} endpoint ${endpoint} sent more than ${MAX_RESPONSE_BYTES} bytes; that is not a token response.`
        : `The ${step} endpoint ${endpoint} did not answer with form-encoded token parameters${excerpt ? `: ${excerpt}` : ""}.`,
      { status: response.status, bodyExcerpt: excerpt || undefined, endpoint },
    );
  }
  const token = params.get("oauth_token");
  const tokenSecret = params.get("oauth_token_secret");
  if (!token || tokenSecret === undefined) {
    const missing = [!token && "oauth_token", tokenSecret === undefined && "oauth_token_secret"].filter(Boolean).join(" and ");
    throw new OAuth1Error("malformed_response", `The ${step} endpoint ${endpoint} answered without ${missing}.`, {
      status: response.status,
      endpoint,
    });
  }
  return params;
}

function describeFetchFailure(err: Error): string {
  // undici reports "fetch failed" with the reason (ECONNREFUSED, ENOTFOUND, …) in `cause`.
  const cause = (err as { cause?: unknown }).cause;
  const causeText =
    cause instanceof Error ? `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}` : cause ? String(cause) : "";
  return causeText ? `${err.message} (${causeText})` : err.message;
}

function extras(params: Map<string, string>, skip: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) if (!skip.includes(name)) out[name] = value;
  return out;
}

/**
 * RFC 5849 §2.1: obtains temporary credentials with a signed POST carrying `oauth_callback`.
 * Refuses a provider that does not confirm the callback (`oauth_callback_confirmed=true`).
 */
export async function fetchRequestToken(input: RequestTokenInput): Promise<RequestTokenResult> {
  if (!input.callbackUrl) throw new OAuth1Error("invalid_request", 'callbackUrl is required (use "oob" for out-of-band).');
  const params = await postSigned(
    "request token",
    input.requestTokenUrl,
    input,
    { extraOAuthParams: { oauth_callback: input.callbackUrl } },
    [input.consumerSecret],
  );
  const endpoint = describeEndpoint(input.requestTokenUrl);
  if (params.get("oauth_callback_confirmed") !== "true") {
    throw new OAuth1Error(
      "callback_not_confirmed",
      `The request token endpoint ${endpoint} did not confirm the callback (oauth_callback_confirmed is not "true"); ` +
        "the provider does not implement OAuth 1.0a.",
      { endpoint },
    );
  }
  return {
    token: params.get("oauth_token")!,
    tokenSecret: params.get("oauth_token_secret")!,
    callbackConfirmed: true,
    extra: extras(params, ["oauth_token", "oauth_token_secret", "oauth_callback_confirmed"]),
  };
}

/**
 * RFC 5849 §2.2: the Resource Owner Authorization URL, `oauth_token` (and `extra`) appended
 * to the endpoint's own query, its fragment kept.
 */
export function buildAuthorizeUrl(authorizeUrl: string, token: string, extra?: Record<string, string>): string {
  let u: URL;
  try {
    u = new URL(authorizeUrl);
  } catch {
    throw new OAuth1Error("invalid_request", "The authorize URL is not a valid absolute URL.");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new OAuth1Error("invalid_request", "The authorize URL must use http or https.");
  }
  const added = [["oauth_token", token] as const, ...Object.entries(extra ?? {})]
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join("&");
  const existing = u.search.startsWith("?") ? u.search.slice(1) : "";
  u.search = existing ? `${existing}&${added}` : added;
  return u.href;
}

/** RFC 5849 §2.3: exchanges the authorized temporary credentials and verifier for token credentials. */
export async function fetchAccessToken(input: AccessTokenInput): Promise<AccessTokenResult> {
  if (!input.verifier) throw new OAuth1Error("invalid_request", "The oauth_verifier is missing.");
  const params = await postSigned(
    "access token",
    input.accessTokenUrl,
    input,
    { token: input.token, tokenSecret: input.tokenSecret, extraOAuthParams: { oauth_verifier: input.verifier } },
    [input.consumerSecret, input.tokenSecret],
  );
  return {
    token: params.get("oauth_token")!,
    tokenSecret: params.get("oauth_token_secret")!,
    extra: extras(params, ["oauth_token", "oauth_token_secret"]),
  };
}
