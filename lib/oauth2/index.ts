import "server-only";

export { OAuth2Error } from "./errors";
export { joinScopes, splitScopes } from "./scopes";
export { createPkce, randomState, type Pkce } from "./pkce";
export {
  DEFAULT_TIMEOUT_MS,
  buildAuthorizationUrl,
  clientCredentialsToken,
  discover,
  exchangeAuthorizationCode,
  refreshTokens,
  revokeToken,
  type BuildAuthorizationUrlInput,
  type ClientCredentialsInput,
  type ExchangeAuthorizationCodeInput,
  type OAuth2Client,
  type OAuth2Endpoints,
  type RefreshTokensInput,
  type RevokeTokenInput,
  type TokenSet,
  type TransportOptions,
} from "./client";
