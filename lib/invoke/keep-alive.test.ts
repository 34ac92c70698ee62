/**
 * The keep-alive refresh job against the real IdP (oidc-provider, refresh-token rotation on):
 * idle credentials and tokens about to expire are renewed, fresh ones are left alone, a
 * refusal (invalid_grant) marks the credential needs_reauth with its audit event and refresh
 * event, and two instances running the job at once renew a credential once. PGlite and Postgres.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, credentials } from "@/db/schema";
import { openCredential } from "@/lib/credentials/credentials";
import { onRefresh, type RefreshEvent } from "@/lib/observe/events";
import { startIdp, type Idp } from "@/test/peers/idp";
import {
  addConnection,
  addCredential,
  createTestDatabase,
  credentialRow,
  databaseKinds,
  idpTokens,
  oauth2Entry,
  revokeAtIdp,
  seedPeople,
  setOrgClient,
  setupTestEnv,
  TEST_REDIRECT_URI,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";
import { runKeepAlive } from "./keep-alive";
import { TokenManager } from "./refresh";

const CLIENT = { clientId: "keepalive-app", clientSecret: "keepalive-app-secret-1f2e3d" };
const DAY = 86_400_000;

let idp: Idp;

beforeAll(async () => {
  idp = await startIdp({
    clients: [
      {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        redirect_uris: [TEST_REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token"],
      },
    ],
    scopes: ["read"],
  });
  setupTestEnv({
    extraEntries: [oauth2Entry({ linkName: "k_idp", baseUrl: idp.issuer, tokenUrl: idp.endpoints.token, scopes: ["read"] })],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe.each(databaseKinds)("keep-alive refresh (%s)", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
    await setOrgClient(database.db, people.ada.orgId, "k_idp", CLIENT.clientId, CLIENT.clientSecret);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** A connection of ada's with real tokens; `expiresInMs` and `renewedAgoMs` place it in time. */
  async function connected(linkName: string, opts: { expiresInMs: number; renewedAgoMs: number; usedAgoMs?: number }) {
    const connection = await addConnection(database.db, people.ada, { service: "k_idp", linkName, scopes: ["read"] });
    const tokens = await idpTokens(idp, CLIENT, ["read"]);
    const row = await addCredential(
      database.db,
      people.ada,
      connection.id,
      { type: "oauth2", accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenType: "bearer" },
      { expiresAt: new Date(Date.now() + opts.expiresInMs), grantedScopes: ["read"] },
    );
    const renewedAt = new Date(Date.now() - opts.renewedAgoMs);
    await database.db
      .update(credentials)
      .set({
        authorizedAt: renewedAt,
        createdAt: renewedAt,
        lastUsedAt: opts.usedAgoMs === undefined ? null : new Date(Date.now() - opts.usedAgoMs),
      })
      .where(eq(credentials.id, row.id));
    return { connection, tokens, row: await credentialRow(database.db, row.id) };
  }

  const auditOf = (connectionId: string, action: string) =>
    database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.connectionId, connectionId), eq(auditEvents.action, action)));

  it("renews a credential idle for CONNECTIONS_KEEPALIVE_DAYS and a used one about to expire; leaves fresh ones alone", async () => {
    const idle = await connected("idle", { expiresInMs: 30 * DAY, renewedAgoMs: 8 * DAY });
    const expiring = await connected("expiring", { expiresInMs: 20 * 60_000, renewedAgoMs: 40 * 60_000, usedAgoMs: 60_000 });
    const fresh = await connected("fresh", { expiresInMs: 30 * DAY, renewedAgoMs: DAY });
    // About to expire but not used since it was renewed: the next call renews it, the job does not.
    const unused = await connected("unused", { expiresInMs: 20 * 60_000, renewedAgoMs: 40 * 60_000 });

    await runKeepAlive(database.db);

    for (const { row, tokens } of [idle, expiring]) {
      const after = await credentialRow(database.db, row.id);
      expect(after.status).toBe("connected");
      expect(after.version).toBe(row.version + 1);
      expect(after.lastRefreshedAt).toBeInstanceOf(Date);
      const payload = openCredential(after);
      // The IdP rotated the refresh token: the stored one is the new one, which works.
      expect(payload?.type === "oauth2" && payload.refreshToken).not.toBe(tokens.refreshToken);
      expect(await auditOf(row.connectionId, "connection.refreshed")).toHaveLength(1);
    }
    for (const { row } of [fresh, unused]) {
      expect((await credentialRow(database.db, row.id)).version).toBe(row.version);
      expect(await auditOf(row.connectionId, "connection.refreshed")).toHaveLength(0);
    }

    // Renewed just now and not used since: the next run leaves both alone.
    const versions = await Promise.all(
      [idle, expiring].map(async ({ row }) => (await credentialRow(database.db, row.id)).version),
    );
    await runKeepAlive(database.db);
    for (const [i, { row }] of [idle, expiring].entries()) {
      expect((await credentialRow(database.db, row.id)).version).toBe(versions[i]);
    }
  });

  it("a refusal (invalid_grant) marks the credential needs_reauth, audits it and emits the refresh event", async () => {
    const { row, tokens } = await connected("refused", { expiresInMs: 30 * DAY, renewedAgoMs: 10 * DAY });
    await revokeAtIdp(idp, CLIENT, tokens.refreshToken!, "refresh_token");
    const events: RefreshEvent[] = [];
    const off = onRefresh((event) => events.push(event));
    try {
      await runKeepAlive(database.db);
    } finally {
      off();
    }
    const after = await credentialRow(database.db, row.id);
    expect(after.status).toBe("needs_reauth");
    expect(await auditOf(row.connectionId, "connection.needs_reauth")).toHaveLength(1);
    expect(events.filter((e) => e.connectionId === row.connectionId)).toEqual([
      expect.objectContaining({ outcome: "needs_reauth", providerError: "invalid_grant", userId: people.ada.id }),
    ]);
    // needs_reauth is not picked up again.
    await runKeepAlive(database.db);
    expect(await auditOf(row.connectionId, "connection.needs_reauth")).toHaveLength(1);
  });

  it("two instances running the job at once renew a credential once (the lease), and the rotated token stays valid", async () => {
    const { row } = await connected("contended", { expiresInMs: 30 * DAY, renewedAgoMs: 9 * DAY });
    await Promise.all([
      runKeepAlive(database.db, { tokens: new TokenManager() }),
      runKeepAlive(database.db, { tokens: new TokenManager() }),
    ]);
    const after = await credentialRow(database.db, row.id);
    // A second refresh with the rotated-away token would have answered invalid_grant and revoked the grant.
    expect(after.status).toBe("connected");
    expect(after.version).toBe(row.version + 1);
    expect(await auditOf(row.connectionId, "connection.refreshed")).toHaveLength(1);
    expect(await auditOf(row.connectionId, "connection.needs_reauth")).toHaveLength(0);
  });
});
