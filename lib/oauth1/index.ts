import "server-only";

/** RFC 5849 (OAuth 1.0a) protocol code: signing, parameter placement and the token flow. No database access. */
export { isFormContentType, parseFormEncoded, percentDecode, percentEncode, serializeForm } from "@/lib/http/form";
export { OAuth1Error, type OAuth1ErrorCode, type OAuth1ErrorDetails } from "./errors";
export {
  authorizationHeader,
  baseStringUri,
  computeSignature,
  normalizeParameters,
  parseAuthorizationHeader,
  queryParams,
  signatureBaseString,
  signatureMethods,
  signingKey,
  signRequest,
  type SignatureMethod,
  type SignedOAuthParams,
  type SignRequestInput,
} from "./signature";
export { applyOAuth1, type OAuth1Credentials, type OAuth1Request, type SignedOAuth1Request } from "./apply";
export {
  buildAuthorizeUrl,
  fetchAccessToken,
  fetchRequestToken,
  type AccessTokenInput,
  type AccessTokenResult,
  type FetchLike,
  type RequestTokenInput,
  type RequestTokenResult,
} from "./flow";
