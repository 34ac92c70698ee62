import { z } from "zod";

/** How a service authenticates (docs/product.md §6 "Authentication Type"). */
export const authTypes = ["api_key", "basic", "oauth1", "oauth2"] as const;
export const authTypeSchema = z.enum(authTypes);
export type AuthType = z.infer<typeof authTypeSchema>;

export const authTypeLabels: Record<AuthType, string> = {
  api_key: "API Key",
  basic: "Basic",
  oauth1: "OAuth 1",
  oauth2: "OAuth 2",
};

/** Where credentials go on each call (docs/product.md §6 "Param Type"). OAuth 2 allows only query and header. */
export const paramTypes = ["query", "form", "header"] as const;
export const paramTypeSchema = z.enum(paramTypes);
export type ParamType = z.infer<typeof paramTypeSchema>;

export const paramTypeLabels: Record<ParamType, string> = {
  query: "Query String",
  form: "Form Data",
  header: "Header",
};

export const oauth2ParamTypes = ["query", "header"] as const;
export const oauth2ParamTypeSchema = z.enum(oauth2ParamTypes);

/** OAuth 2 grant types a custom service may use. */
export const grantTypes = ["authorization_code", "client_credentials"] as const;
export const grantTypeSchema = z.enum(grantTypes);
export type GrantType = z.infer<typeof grantTypeSchema>;

export const grantTypeLabels: Record<GrantType, string> = {
  authorization_code: "Authorization Code",
  client_credentials: "Client Credentials",
};

/** How scopes are joined in the authorize request (docs/product.md §4 "Scope Delimiter"). */
export const scopeDelimiters = ["comma", "space", "plus"] as const;
export const scopeDelimiterSchema = z.enum(scopeDelimiters);
export type ScopeDelimiter = z.infer<typeof scopeDelimiterSchema>;

export const scopeDelimiterChars: Record<ScopeDelimiter, string> = {
  comma: ",",
  space: " ",
  plus: "+",
};

/** OAuth 2 token endpoint client authentication. */
export const tokenAuthMethods = ["client_secret_basic", "client_secret_post"] as const;
export const tokenAuthMethodSchema = z.enum(tokenAuthMethods);
export type TokenAuthMethod = z.infer<typeof tokenAuthMethodSchema>;

export const credentialStatuses = ["connected", "needs_reauth", "revoked"] as const;
export type CredentialStatus = (typeof credentialStatuses)[number];
