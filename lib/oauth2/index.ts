import "server-only";

// OAuth 2 protocol code on oauth4webapi: authorization requests and responses (RFC 6749,
// PKCE RFC 7636, iss RFC 9207), grants, revocation (RFC 7009), discovery (RFC 8414). No database.
export { OAuth2Error } from "./errors";
export { joinScopes, splitScopes } from "./scopes";
export { createPkce, randomState, type Pkce } from "./pkce";
export { DEFAULT_TIMEOUT_MS, type OAuth2Client, type OAuth2Endpoints, type TokenSet, type TransportOptions } from "./types";
export { buildAuthorizationUrl, type BuildAuthorizationUrlInput } from "./authorization";
export {
  clientCredentialsToken,
  exchangeAuthorizationCode,
  refreshTokens,
  type ClientCredentialsInput,
  type ExchangeAuthorizationCodeInput,
  type RefreshTokensInput,
} from "./grants";
export { revokeToken, type RevokeTokenInput } from "./revocation";
export { discover } from "./discovery";
