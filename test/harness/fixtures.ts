/**
 * Test data for lib/ and the benchmarks: catalogue entries for loopback peers, the demo
 * organizations (Acme: ada admin, bob member; Globex: eve admin) as actors, connections
 * and credentials written straight to the database, the organization's OAuth clients,
 * and real tokens from the loopback IdP.
 */
import { invalidate } from "@/lib/cache/invalidation";
import { eq, sql } from "drizzle-orm";
import type { DatabaseTarget, Db } from "@/db/client";
import { callLog, connections, credentials, serviceApps, users } from "@/db/schema";
import { seedDemo } from "@/db/seed";
import { loadActor, type Actor } from "@/lib/auth/users";
import { storeCredential, type CredentialPayload, type CredentialRow } from "@/lib/credentials/credentials";
import { buildAuthorizationUrl, createPkce, exchangeAuthorizationCode, randomState, type TokenSet } from "@/lib/oauth2";
import { sealJson } from "@/lib/secrets";
import { completeLoginAndConsentWithFetch, type Idp, type IdpClient } from "@/test/peers/idp";
import { createTestDatabase } from "./db";
import { TEST_IDP_CLIENT, TEST_IDP_LINK_NAME } from "./catalog";
import { TEST_REDIRECT_URI, testRedirectUri } from "./env";

/** The IdP client registration that matches TEST_IDP_CLIENT and the app's redirect URI. */
export function testIdpClient(overrides: Partial<IdpClient> = {}): IdpClient {
  return {
    client_id: TEST_IDP_CLIENT.clientId,
    client_secret: TEST_IDP_CLIENT.clientSecret,
    redirect_uris: [TEST_REDIRECT_URI, testRedirectUri(TEST_IDP_LINK_NAME)],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_basic",
    scope: "openid offline_access read write",
    ...overrides,
  };
}

export type DemoPeople = { ada: Actor; bob: Actor; eve: Actor };

/** The demo organizations (Acme: ada, bob; Globex: eve) as actors. */
export async function seedPeople(db: Db): Promise<DemoPeople> {
  await seedDemo(db);
  const actor = async (email: string) => {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email));
    const a = await loadActor(db, row.id);
    if (!a) throw new Error(`no actor ${email}`);
    return a;
  };
  return { ada: await actor("ada@acme.test"), bob: await actor("bob@acme.test"), eve: await actor("eve@globex.test") };
}

export async function addConnection(
  db: Db,
  owner: Actor,
  input: { service: string; linkName: string; shared?: boolean; scopes?: string[]; access?: "owner" | "organization" },
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
      access: input.access ?? "owner",
    })
    .returning();
  return row;
}

/**
 * A call_log row as the writer records it: a GET to api.github.com at `at`, answered in
 * 2 ms by the app and 40 ms upstream, or, with no status, never answered (upstream_unreachable).
 */
export function callLogRow(input: {
  orgId: string;
  connectionId: string;
  callerId: string;
  credentialUserId: string;
  status: number | null;
  at: Date;
  path: string;
}): typeof callLog.$inferInsert {
  return {
    orgId: input.orgId,
    connectionId: input.connectionId,
    callerId: input.callerId,
    credentialUserId: input.credentialUserId,
    method: "GET",
    host: "api.github.com",
    path: input.path,
    status: input.status,
    errorCode: input.status === null ? "upstream_unreachable" : null,
    appMs: 2,
    upstreamMs: input.status === null ? null : 40,
    createdAt: input.at,
  };
}

export async function addCredential(
  db: Db,
  user: Actor,
  connectionId: string,
  payload: CredentialPayload,
  opts: { expiresAt?: Date | null; grantedScopes?: string[] } = {},
): Promise<CredentialRow> {
  const row = await storeCredential(db, {
    orgId: user.orgId,
    connectionId,
    userId: user.id,
    payload,
    grantedScopes: opts.grantedScopes ?? [],
    expiresAt: opts.expiresAt ?? null,
  });
  // As the app's own writes do: cached call targets forget the connection.
  invalidate({ kind: "connection", orgId: user.orgId, connectionId });
  return row;
}

/** The organization's OAuth client (or OAuth 1 consumer) for a catalogue service, as an admin would set it. */
export async function setOrgClient(db: Db, orgId: string, serviceLinkName: string, clientId: string, clientSecret: string) {
  const [row] = await db.insert(serviceApps).values({ orgId, serviceLinkName, clientId, secretSealed: "" }).returning();
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
  const endpoints = {
    issuer: idp.issuer,
    authorizeUrl: idp.endpoints.authorization,
    tokenUrl: idp.endpoints.token,
    tokenAuthMethod: "client_secret_basic" as const,
  };
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

export type Actors = DemoPeople;

export type AppContext = {
  kind: DatabaseTarget["kind"];
  db: Db;
  actors: Actors;
  drop(): Promise<void>;
};

/** A fresh database of this kind, migrated and seeded with the demo organizations. */
export async function createAppContext(kind: DatabaseTarget["kind"]): Promise<AppContext> {
  const handle = await createTestDatabase(kind);
  try {
    const actors = await seedPeople(handle.db);
    return { kind, db: handle.db, actors, drop: () => handle.drop() };
  } catch (error) {
    await handle.drop();
    throw error;
  }
}
