/**
 * Catalogue entries for loopback test peers, in the shape of a CONNECTIONS_CATALOG_FILE:
 * the IdP (test/peers/idp.ts) and one builder per authentication type.
 */
import type { CatalogEntryInput } from "@/lib/catalog/schema";

/** The catalogue entry of the loopback IdP (test/peers/idp.ts) and the OAuth client the org uses for it. */
export const TEST_IDP_LINK_NAME = "test_idp";
export const TEST_IDP_NAME = "Test IdP";
export const TEST_IDP_CLIENT = { clientId: "connections-app", clientSecret: "connections-app-secret-5d1c0e9b" } as const;

/** A catalogue entry (as in a CONNECTIONS_CATALOG_FILE) for an oidc-provider started by `startIdp`. */
export function testIdpEntry(issuer: string, overrides: Partial<CatalogEntryInput> = {}): CatalogEntryInput {
  const base = issuer.replace(/\/+$/, "");
  return {
    name: TEST_IDP_NAME,
    linkName: TEST_IDP_LINK_NAME,
    category: "Identity",
    description: "The loopback OpenID provider of the test suite",
    icon: "KeyRound",
    authType: "oauth2",
    docsUrl: base,
    api: { baseUrl: base, allowedHosts: ["127.0.0.1"] },
    oauth2: {
      issuer: base,
      issParameterSupported: true,
      authorizeUrl: `${base}/auth`,
      tokenUrl: `${base}/token`,
      revocationUrl: `${base}/token/revocation`,
      scopes: [
        { name: "openid", description: "Sign in", default: true },
        { name: "read", description: "Read things", default: true },
        { name: "write", description: "Write things", default: false },
      ],
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
    },
    ...overrides,
  };
}

type EntryBase = { linkName: string; baseUrl: string; allowedHosts?: string[] };

function base(e: EntryBase, authType: CatalogEntryInput["authType"]): CatalogEntryInput {
  return {
    name: `Test ${e.linkName}`.slice(0, 50),
    linkName: e.linkName,
    category: "Developer",
    description: "A loopback test peer.",
    icon: "Globe",
    authType,
    docsUrl: e.baseUrl,
    api: { baseUrl: e.baseUrl, allowedHosts: e.allowedHosts ?? [new URL(e.baseUrl).hostname] },
  };
}

export function apiKeyEntry(
  e: EntryBase & { params: Array<{ name: string; paramType: "query" | "form" | "header"; prefix?: string }> },
): CatalogEntryInput {
  return {
    ...base(e, "api_key"),
    apiKey: { params: e.params.map((p) => ({ ...p, displayName: p.name.slice(0, 50) })) },
  };
}

export function basicEntry(e: EntryBase): CatalogEntryInput {
  return { ...base(e, "basic"), basic: { usernameLabel: "Username", passwordLabel: "Password" } };
}

export function oauth1Entry(e: EntryBase & { providerUrl: string; paramType: "query" | "form" | "header" }): CatalogEntryInput {
  return {
    ...base(e, "oauth1"),
    oauth1: {
      requestTokenUrl: `${e.providerUrl}/oauth/request_token`,
      authorizeUrl: `${e.providerUrl}/oauth/authorize`,
      accessTokenUrl: `${e.providerUrl}/oauth/access_token`,
      paramType: e.paramType,
    },
  };
}

export function oauth2Entry(
  e: EntryBase & {
    tokenUrl: string;
    authorizeUrl?: string;
    paramType?: "query" | "header";
    grantType?: "authorization_code" | "client_credentials";
    scopes?: string[];
  },
): CatalogEntryInput {
  const grantType = e.grantType ?? "authorization_code";
  return {
    ...base(e, "oauth2"),
    oauth2: {
      tokenUrl: e.tokenUrl,
      ...(grantType === "authorization_code" ? { authorizeUrl: e.authorizeUrl ?? `${new URL(e.tokenUrl).origin}/auth` } : {}),
      grantType,
      pkce: grantType === "authorization_code",
      tokenAuthMethod: "client_secret_basic",
      scopeDelimiter: "space",
      paramType: e.paramType ?? "header",
      scopes: (e.scopes ?? []).map((name) => ({ name, description: `The ${name} scope` })),
    },
  };
}
