/**
 * Log field names whose values are secrets (docs/architecture.md "Operating it"): the logger
 * redacts them, and the e2e suite checks its captured server log for any left in the clear.
 * No imports, so Playwright can read it too.
 */
export const SECRET_FIELDS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "password",
  "passwordHash",
  "newPassword",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "clientSecret",
  "client_secret",
  "consumerSecret",
  "tokenSecret",
  "oauth_token_secret",
  "codeVerifier",
  "code_verifier",
  "secret",
  "signingSecret",
  "apiKey",
  "api_key",
  "privateKey",
  "sealed",
] as const;
