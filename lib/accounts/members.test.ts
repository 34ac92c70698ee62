/**
 * Members (docs/product.md §8) on PGlite, and on Postgres when DATABASE_URL is set: an
 * organization always keeps an admin, even under concurrent changes; removal hands a
 * member's connections over (not connected for the heir) or deletes them, deletes their
 * credentials and revokes them at a real provider (oidc-provider on loopback), and their
 * tokens and sessions stop at once, the data plane's actor cache included.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connections, credentials, services, users } from "@/db/schema";
import { ActorCache } from "@/lib/auth/actor-cache";
import { createAccessToken } from "@/lib/auth/access-tokens";
import { startIdp, type Idp } from "@/test/peers/idp";
import {
  addConnection,
  addCredential,
  createTestDatabase,
  databaseKinds,
  idpTokens,
  rejection,
  seedPeople,
  sessionTokenFor,
  setOrgClient,
  setupTestEnv,
  testIdpClient,
  TEST_IDP_CLIENT,
  TEST_IDP_LINK_NAME,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";
import { loadActor, type Actor } from "@/lib/auth/users";
import { changeRole, createPasswordResetLink, LAST_ADMIN_MESSAGE, removeMember } from "./members";
import { inviteMember, acceptInvitation, invitationForToken } from "./invitations";
import { passwordResetFor, setPasswordWithLink } from "./passwords";
import { createCustomService } from "@/lib/services/create-custom-service";
import { loadServiceClient, resolveService } from "@/lib/services/resolve";
import { createServiceSchema } from "@/lib/validation/services";

let idp: Idp;

beforeAll(async () => {
  idp = await startIdp({ clients: [testIdpClient()] });
  setupTestEnv({ idpIssuer: idp.issuer });
});
afterAll(async () => {
  await idp?.close();
});

async function introspect(token: string): Promise<boolean> {
  const res = await fetch(idp.endpoints.introspection, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${TEST_IDP_CLIENT.clientId}:${TEST_IDP_CLIENT.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token }),
  });
  return ((await res.json()) as { active: boolean }).active;
}

describe.each(databaseKinds)("members on %s", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  let carol: Actor;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
    await setOrgClient(database.db, people.ada.orgId, TEST_IDP_LINK_NAME, TEST_IDP_CLIENT.clientId, TEST_IDP_CLIENT.clientSecret);
    const { link } = await inviteMember(database.db, people.ada, { email: "carol@acme.test", role: "member" }, "http://app");
    const subject = await acceptInvitation(database.db, {
      token: new URL(link).searchParams.get("token")!,
      name: "Carol Danvers",
      password: "carol-password",
    });
    carol = (await loadActor(database.db, subject.id))!;
  });
  afterEach(async () => {
    await database?.drop();
  });

  const role = async (id: string) => (await database.db.select().from(users).where(eq(users.id, id)))[0]?.role;

  it("keeps at least one admin: the last admin cannot be demoted or removed, another admin can be", async () => {
    const { ada, bob, eve } = people;
    expect((await rejection(changeRole(database.db, ada, { userId: ada.id, role: "member" }))).message).toBe(LAST_ADMIN_MESSAGE);
    await expect(changeRole(database.db, bob, { userId: bob.id, role: "admin" })).rejects.toThrow(/Only an admin/);
    await expect(changeRole(database.db, ada, { userId: eve.id, role: "member" })).rejects.toThrow(/does not exist/);

    await changeRole(database.db, ada, { userId: bob.id, role: "admin" });
    expect(await role(bob.id)).toBe("admin");
    // Ada's own demotion is fine now that Bob is an admin; afterwards she can no longer change roles.
    await changeRole(database.db, ada, { userId: ada.id, role: "member" });
    const demotedAda = (await loadActor(database.db, ada.id))!;
    await expect(changeRole(database.db, demotedAda, { userId: carol.id, role: "admin" })).rejects.toThrow(/Only an admin/);
    // A stale actor (read as admin before the change) is re-checked inside the transaction.
    await expect(changeRole(database.db, ada, { userId: carol.id, role: "admin" })).rejects.toThrow(/Only an admin/);
    const bobAdmin = (await loadActor(database.db, bob.id))!;
    await expect(removeMember(database.db, bobAdmin, { userId: bob.id, connections: "delete" })).rejects.toThrow(
      /cannot remove yourself/,
    );
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const { ada, bob } = people;
    await changeRole(database.db, ada, { userId: bob.id, role: "admin" });
    const bobAdmin = (await loadActor(database.db, bob.id))!;
    const outcomes = await Promise.allSettled([
      changeRole(database.db, ada, { userId: bob.id, role: "member" }),
      changeRole(database.db, bobAdmin, { userId: ada.id, role: "member" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    const admins = (await database.db.select().from(users).where(eq(users.orgId, ada.orgId))).filter((u) => u.role === "admin");
    expect(admins).toHaveLength(1);
  });

  it("removal hands the member's connections to another member, who sees them not connected; their tokens are revoked at the provider", async () => {
    const { ada, bob } = people;
    const own = await addConnection(database.db, carol, {
      service: TEST_IDP_LINK_NAME,
      linkName: "carols_idp",
      scopes: ["read"],
    });
    const tokens = await idpTokens(idp, TEST_IDP_CLIENT, ["openid", "offline_access", "read"], "carol");
    expect(tokens.refreshToken).toBeTruthy();
    await addCredential(database.db, carol, own.id, {
      type: "oauth2",
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: "bearer",
    });
    // Carol's own credential on Ada's shared connection goes too; Ada's stays.
    const shared = await addConnection(database.db, ada, { service: "stripe", linkName: "acme_stripe", shared: true });
    await addCredential(database.db, ada, shared.id, { type: "api_key", values: { api_key: "sk_ada" } });
    await addCredential(database.db, carol, shared.id, { type: "api_key", values: { api_key: "sk_carol" } });
    expect(await introspect(tokens.accessToken)).toBe(true);
    const revocations = idp.counters.revocation;

    await expect(
      removeMember(database.db, ada, { userId: carol.id, connections: "hand_over", handOverTo: people.eve.id }),
    ).rejects.toThrow(/does not exist/);
    const result = await removeMember(database.db, ada, { userId: carol.id, connections: "hand_over", handOverTo: bob.id });
    expect(result).toEqual({ handedOver: 1, deletedConnections: 0, revokedCredentials: 1, revocationFailures: 0 });

    expect(idp.counters.revocation).toBe(revocations + 1);
    expect(await introspect(tokens.accessToken)).toBe(false); // the whole grant ended at the provider
    const [handed] = await database.db.select().from(connections).where(eq(connections.id, own.id));
    expect(handed.ownerId).toBe(bob.id);
    expect(await database.db.select().from(credentials).where(eq(credentials.connectionId, own.id))).toEqual([]);
    const left = await database.db.select().from(credentials).where(eq(credentials.connectionId, shared.id));
    expect(left.map((c) => c.userId)).toEqual([ada.id]);
    expect(await loadActor(database.db, carol.id)).toBeUndefined();
  });

  it("removal can delete the member's connections, with everyone's credentials on them; their custom services pass to the admin", async () => {
    const { ada, bob } = people;
    const own = await addConnection(database.db, carol, { service: "stripe", linkName: "carols_stripe", shared: true });
    await addCredential(database.db, bob, own.id, { type: "api_key", values: { api_key: "sk_bob" } });
    const [service] = await database.db
      .insert(services)
      .values({
        orgId: ada.orgId,
        createdBy: carol.id,
        name: "Carol API",
        linkName: "carol_api",
        authType: "api_key",
        config: {},
      })
      .returning();
    const result = await removeMember(database.db, ada, { userId: carol.id, connections: "delete" });
    expect(result).toMatchObject({ handedOver: 0, deletedConnections: 1 });
    expect(await database.db.select().from(connections).where(eq(connections.id, own.id))).toEqual([]);
    expect(await database.db.select().from(credentials).where(eq(credentials.connectionId, own.id))).toEqual([]);
    const [kept] = await database.db.select().from(services).where(eq(services.id, service.id));
    expect(kept.createdBy).toBe(ada.id);
    // A member cannot remove anyone.
    await expect(removeMember(database.db, bob, { userId: ada.id, connections: "delete" })).rejects.toThrow(/Only an admin/);
  });

  it("a custom OAuth service a removed member created keeps its client secret under the admin it passes to", async () => {
    const { ada } = people;
    const input = {
      name: "Carol machine",
      linkName: `carol_machine_${kind}`,
      authType: "oauth2" as const,
      grantType: "client_credentials" as const,
      clientId: "carol-client",
      clientSecret: "carol-client-secret",
      tokenUrl: "https://auth.example.com/token",
      paramType: "header" as const,
      allowedHosts: ["api.example.com"],
    };
    const { id } = await createCustomService(database.db, carol, createServiceSchema.parse(input));

    await removeMember(database.db, ada, { userId: carol.id, connections: "delete" });
    const definition = await resolveService(database.db, ada, { kind: "custom", id });
    expect(definition.createdBy).toBe(ada.id);
    // The secret still opens (it is sealed for its creator): consent, renewals and revocation go on working.
    await expect(loadServiceClient(database.db, ada, definition)).resolves.toMatchObject({
      clientId: "carol-client",
      clientSecret: "carol-client-secret",
    });
  });

  it("a removed member's access token and session stop at once, in the data plane's cache too", async () => {
    const { ada } = people;
    const cache = new ActorCache({ ttlMs: 60_000 });
    try {
      const { token } = await createAccessToken(database.db, carol, { name: "script" });
      const session = await sessionTokenFor(database.db, carol.id);
      expect(await cache.fromAccessToken(database.db, token)).toMatchObject({ id: carol.id });
      expect(await cache.fromSessionToken(database.db, session)).toMatchObject({ id: carol.id });
      await removeMember(database.db, ada, { userId: carol.id, connections: "delete" });
      expect(await cache.fromAccessToken(database.db, token)).toBeUndefined();
      expect(await cache.fromSessionToken(database.db, session)).toBeUndefined();
    } finally {
      cache.close();
    }
  });

  it("a role change reaches the data plane's cached actor at once, without signing the member out", async () => {
    const { ada, bob } = people;
    const cache = new ActorCache({ ttlMs: 60_000 });
    try {
      const session = await sessionTokenFor(database.db, bob.id);
      expect(await cache.fromSessionToken(database.db, session)).toMatchObject({ id: bob.id, role: "member" });
      await changeRole(database.db, ada, { userId: bob.id, role: "admin" });
      expect(await cache.fromSessionToken(database.db, session)).toMatchObject({ id: bob.id, role: "admin" });
    } finally {
      cache.close();
    }
  });

  it("a password-reset link is for members of the admin's organization only, and replaces an earlier one", async () => {
    const { ada, bob, eve } = people;
    await expect(createPasswordResetLink(database.db, ada, eve.id, "http://app")).rejects.toThrow(/does not exist/);
    await expect(createPasswordResetLink(database.db, bob, carol.id, "http://app")).rejects.toThrow(/Only an admin/);
    const first = await createPasswordResetLink(database.db, ada, carol.id, "http://app");
    const second = await createPasswordResetLink(database.db, ada, carol.id, "http://app");
    expect(first.link).toMatch(/^http:\/\/app\/set-password\?token=/);
    expect(second.link).not.toBe(first.link);
  });

  const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

  it("removing an admin kills the invitations and reset links they made", async () => {
    const { ada, bob } = people;
    await changeRole(database.db, ada, { userId: carol.id, role: "admin" });
    const carolAdmin = (await loadActor(database.db, carol.id))!;
    const invite = await inviteMember(database.db, carolAdmin, { email: "dana@acme.test", role: "admin" }, "http://app");
    const reset = await createPasswordResetLink(database.db, carolAdmin, bob.id, "http://app");
    await removeMember(database.db, ada, { userId: carol.id, connections: "delete" });
    expect(await invitationForToken(database.db, tokenOf(invite.link))).toBeUndefined();
    await expect(
      acceptInvitation(database.db, { token: tokenOf(invite.link), name: "Dana", password: "dana-password" }),
    ).rejects.toThrow(/expired or was already used/);
    expect(await passwordResetFor(database.db, tokenOf(reset.link))).toBeUndefined();
    await expect(setPasswordWithLink(database.db, { token: tokenOf(reset.link), password: "taken-over-1" })).rejects.toThrow(
      /expired or was already used/,
    );
  });

  it("demoting an admin kills their links; a link whose issuer is no longer an admin is refused when used", async () => {
    const { ada, bob } = people;
    await changeRole(database.db, ada, { userId: bob.id, role: "admin" });
    const bobAdmin = (await loadActor(database.db, bob.id))!;
    const invite = await inviteMember(database.db, bobAdmin, { email: "erin@acme.test", role: "admin" }, "http://app");
    const reset = await createPasswordResetLink(database.db, bobAdmin, carol.id, "http://app");
    const kept = await inviteMember(database.db, ada, { email: "frank@acme.test", role: "member" }, "http://app");
    await changeRole(database.db, ada, { userId: bob.id, role: "member" });
    expect(await invitationForToken(database.db, tokenOf(invite.link))).toBeUndefined();
    expect(await passwordResetFor(database.db, tokenOf(reset.link))).toBeUndefined();
    // Another admin's invitation still works.
    expect(await invitationForToken(database.db, tokenOf(kept.link))).toMatchObject({ email: "frank@acme.test" });

    // A link that survived (made before a demotion written straight to the database) is refused at use.
    await changeRole(database.db, ada, { userId: bob.id, role: "admin" });
    const late = await createPasswordResetLink(database.db, (await loadActor(database.db, bob.id))!, carol.id, "http://app");
    await database.db.update(users).set({ role: "member" }).where(eq(users.id, bob.id));
    await expect(setPasswordWithLink(database.db, { token: tokenOf(late.link), password: "taken-over-2" })).rejects.toThrow(
      /expired or was already used/,
    );
  });
});
