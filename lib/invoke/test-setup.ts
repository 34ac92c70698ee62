/**
 * Test scaffolding for lib/invoke: environment and catalogue for loopback peers, the demo
 * organizations, connections and credentials written straight to the database. Call
 * `configureInvokeTestEnv` once per test file, after the peers listen (the catalogue holds
 * their URLs) and before anything reads env().
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, credentials, serviceApps, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { completeLoginAndConsentWithFetch, type Idp } from "@/e2e/peers/idp";
import { loadActor, type Actor } from "@/lib/auth/users";
import type { CatalogEntryInput } from "@/lib/catalog/schema";
import { storeCredential, type CredentialPayload, type CredentialRow } from "@/lib/connections/credentials";
import { buildAuthorizationUrl, createPkce, exchangeAuthorizationCode, randomState, type TokenSet } from "@/lib/oauth2";
import { sealJson } from "@/lib/secrets";

export const TEST_APP_URL = "http://127.0.0.1:3999";
export const TEST_REDIRECT_URI = `${TEST_APP_URL}/api/oauth/callback`;

/** Sets the environment of lib/env for this test process and writes the extra catalogue. */
export function configureInvokeTestEnv(catalog: CatalogEntryInput[], extra: Record<string, string> = {}): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connections-invoke-"));
  const file = path.join(dir, "catalog.json");
  fs.writeFileSync(file, JSON.stringify(catalog));
  Object.assign(process.env, {
    APP_URL: TEST_APP_URL,
    CONNECTIONS_KEYS: JSON.stringify({ t1: randomBytes(32).toString("base64") }),
    CONNECTIONS_ACTIVE_KEY: "t1",
    CONNECTIONS_ALLOW_PRIVATE_NETWORK: "true",
    CONNECTIONS_CATALOG_FILE: file,
    CONNECTIONS_SEED: "false",
    ...extra,
  });
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

export type DemoPeople = { ada: Actor; bob: Actor; eve: Actor };

/** The demo organizations (Acme: ada, bob; Globex: eve) as actors. */
export async function seedPeople(db: Db): Promise<DemoPeople> {
  await seedDemo(db);
  const actor = async (email: string) => {
    const [row] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, email));
    const a = await loadActor(db, row.id);
    if (!a) throw new Error(`no actor ${email}`);
    return a;
  };
  return { ada: await actor("ada@acme.test"), bob: await actor("bob@acme.test"), eve: await actor("eve@globex.test") };
}

export async function addConnection(
  db: Db,
  owner: Actor,
  input: { service: string; linkName: string; shared?: boolean; scopes?: string[] },
) {
  const [row] = await db
    .insert(connections)
    .values({
      orgId: owner.orgId,
      ownerId: owner.id,
      catalogLinkName: input.service,
      name: input.linkName,
      linkName: input.linkName,
      scopes: input.scopes ?? [],
      scopeDelimiter: "space",
      useLoginUserCredentials: input.shared ?? false,
    })
    .returning();
  return row;
}

export async function addCredential(
  db: Db,
  user: Actor,
  connectionId: string,
  payload: CredentialPayload,
  opts: { expiresAt?: Date | null; grantedScopes?: string[] } = {},
): Promise<CredentialRow> {
  return storeCredential(db, {
    orgId: user.orgId,
    connectionId,
    userId: user.id,
    payload,
    grantedScopes: opts.grantedScopes ?? [],
    expiresAt: opts.expiresAt ?? null,
  });
}

/** The organization's OAuth client (or OAuth 1 consumer) for a catalogue service, as an admin would set it. */
export async function setOrgClient(db: Db, orgId: string, serviceLinkName: string, clientId: string, clientSecret: string) {
  const [row] = await db
    .insert(serviceApps)
    .values({ orgId, serviceLinkName, clientId, secretSealed: "" })
    .returning();
  await db
    .update(serviceApps)
    .set({ secretSealed: sealJson("serviceApp", { id: row.id, orgId }, clientSecret) })
    .where(eq(serviceApps.id, row.id));
}

export async function credentialRow(db: Db, id: string): Promise<CredentialRow> {
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id));
  return row;
}

/** Real tokens from the IdP: the authorization code flow, login and consent driven over HTTP. */
export async function idpTokens(
  idp: Idp,
  client: { clientId: string; clientSecret: string },
  scopes: string[],
  login = "ada",
): Promise<TokenSet> {
  const pkce = createPkce();
  const state = randomState();
  const endpoints = { issuer: idp.issuer, authorizeUrl: idp.endpoints.authorization, tokenUrl: idp.endpoints.token, tokenAuthMethod: "client_secret_basic" as const };
  const url = buildAuthorizationUrl({
    endpoints,
    client,
    redirectUri: TEST_REDIRECT_URI,
    scopes,
    delimiter: "space",
    state,
    pkceChallenge: pkce.challenge,
  });
  const callback = await completeLoginAndConsentWithFetch(url, login);
  return exchangeAuthorizationCode({
    endpoints,
    client,
    redirectUri: TEST_REDIRECT_URI,
    currentUrl: callback,
    expectedState: state,
    pkceVerifier: pkce.verifier,
    requestedScopes: scopes,
    delimiter: "space",
    transport: { fetch: globalThis.fetch, allowInsecureRequests: true },
  });
}

/** Revokes a token at the IdP (oidc-provider then revokes the whole grant). */
export async function revokeAtIdp(idp: Idp, client: { clientId: string; clientSecret: string }, token: string, hint: string) {
  const res = await fetch(idp.endpoints.revocation, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token, token_type_hint: hint }),
  });
  if (res.status !== 200) throw new Error(`revocation answered ${res.status}`);
}

/** Expects a rejection with this DomainError code; returns the error. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code: string; status: number }> {
  const error = await p.then(
    () => {
      throw new Error("expected an error, but the call succeeded");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error(`expected an Error, got ${String(error)}`);
  return error as Error & { code: string; status: number };
}
