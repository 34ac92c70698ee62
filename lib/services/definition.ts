import type { CatalogEntry, CatalogScope } from "@/lib/catalog/schema";
import type { AuthType } from "@/lib/validation/enums";

/** Which service a connection uses: a catalogue entry by link name, or a custom service by id. */
export type ServiceRef = { kind: "catalog"; linkName: string } | { kind: "custom"; id: string };

/**
 * One shape for default and custom services, everything the flows and the invoke engine
 * need and no secret: the OAuth client secret is loaded separately (`loadServiceClient` in lib/services/resolve.ts).
 */
export type ServiceDefinition = {
  ref: ServiceRef;
  name: string;
  linkName: string;
  authType: AuthType;
  description?: string;
  category?: string;
  icon?: string;
  color?: string;
  docsUrl?: string;
  /** Custom services only: the user who may edit it. */
  createdBy?: string;
  /** Custom services: bumped by every edit; a credential given for an older version is refused. Default services: 0. */
  version: number;
  api: { baseUrl?: string; allowedHosts: string[] };
  verify?: CatalogEntry["verify"];
  oauth2?: Omit<NonNullable<CatalogEntry["oauth2"]>, "scopes"> & {
    scopes: CatalogScope[];
    /** Custom services: users type scopes freely instead of choosing from a list. */
    freeScopes: boolean;
    /** The client id when it is not secret configuration (custom services). */
    clientId?: string;
    /** Custom client-credentials services: the creator lets members connect with the client. */
    membersMayConnect?: boolean;
  };
  oauth1?: NonNullable<CatalogEntry["oauth1"]> & { consumerKey?: string };
  apiKey?: NonNullable<CatalogEntry["apiKey"]>;
  basic?: NonNullable<CatalogEntry["basic"]>;
};

export function definitionFromCatalog(entry: CatalogEntry): ServiceDefinition {
  return {
    ref: { kind: "catalog", linkName: entry.linkName },
    version: 0,
    name: entry.name,
    linkName: entry.linkName,
    authType: entry.authType,
    description: entry.description,
    category: entry.category,
    icon: entry.icon,
    color: entry.color,
    docsUrl: entry.docsUrl,
    api: { baseUrl: entry.api.baseUrl, allowedHosts: entry.api.allowedHosts },
    verify: entry.verify,
    oauth2: entry.oauth2 ? { ...entry.oauth2, freeScopes: false } : undefined,
    oauth1: entry.oauth1,
    apiKey: entry.apiKey,
    basic: entry.authType === "basic" ? (entry.basic ?? { usernameLabel: "Username", passwordLabel: "Password" }) : undefined,
  };
}

/** Whether connecting needs an OAuth client (or consumer) that an admin or the creator must supply. */
export function needsClient(def: ServiceDefinition): boolean {
  return def.authType === "oauth2" || def.authType === "oauth1";
}

/** Consent runs in a popup for the redirect-based grants; client credentials and keys need none. */
export function usesConsentPopup(def: ServiceDefinition): boolean {
  return def.authType === "oauth1" || (def.authType === "oauth2" && def.oauth2?.grantType !== "client_credentials");
}

/** How a connection of this service is authenticated: consent popup, a client-credentials token, or typed credentials. */
export type ConnectKind = "consent" | "client_credentials" | "credentials";

export function connectKindOf(def: ServiceDefinition): ConnectKind {
  if (usesConsentPopup(def)) return "consent";
  return def.authType === "oauth2" ? "client_credentials" : "credentials";
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Every host a credential of this service is ever sent to (docs/product.md §5): the API
 * hosts it may be injected for, and the token endpoints that receive refresh tokens and
 * signed token requests. Shown before anyone gives a credential.
 */
export function credentialHosts(def: ServiceDefinition): string[] {
  const hosts = new Set(def.api.allowedHosts);
  const endpoints = [
    def.oauth2?.tokenUrl,
    def.oauth2?.refreshUrl,
    def.oauth2?.revocationUrl,
    def.oauth1?.requestTokenUrl,
    def.oauth1?.accessTokenUrl,
  ];
  for (const url of endpoints) {
    const host = hostOf(url);
    if (host) hosts.add(host);
  }
  return [...hosts].sort();
}
