/**
 * One-time links and passwords (docs/product.md §8, docs/security.md "One-time links",
 * "Sessions") on PGlite, and on Postgres when DATABASE_URL is set: setup works once and only
 * on an empty database, invitations are single use, revocable and expire after 7 days,
 * a password change or "Sign out everywhere" ends older sessions at once (the data plane's
 * actor cache included) while the re-signed session goes on.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accountTokens, organizations, users } from "@/db/schema";
import { ActorCache } from "@/lib/auth/actor-cache";
import { encodeSession } from "@/lib/auth/session-cookie";
import { loadActor } from "@/lib/auth/users";
import { verifyPassword } from "@/lib/crypto/password";
import { actorFromAccessToken, createAccessToken } from "@/lib/auth/access-tokens";
import { MAX_FAILURES, SignInThrottle } from "@/lib/auth/sign-in-throttle";
import {
  createTestDatabase,
  databaseKinds,
  rejection,
  seedPeople,
  sessionTokenFor,
  setupTestEnv,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";
import { completeSetup, consumeSignInLink, createOrganizationFromShell, issueSetupLink, setupLinkIsLive } from "./first-run";
import { acceptInvitation, invitationForToken, inviteMember, listInvitations, revokeInvitation } from "./invitations";
import { createPasswordResetLink } from "./members";
import { changePassword, passwordResetFor, setPasswordWithLink, signOutEverywhere, userHasPassword } from "./passwords";
import { signInWithPassword } from "@/lib/auth/password-sign-in";

setupTestEnv();

const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;
const DAY = 86_400_000;

describe.each(databaseKinds)("first run on %s", (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database?.drop();
  });

  it("an empty database gets a setup link that creates the first organization and admin once", async () => {
    const link = await issueSetupLink(database.db, "https://c.example");
    expect(link).toMatch(/^https:\/\/c\.example\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(link!);
    // Only the hash is stored.
    const stored = await database.db.select().from(accountTokens);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await setupLinkIsLive(database.db, token)).toBe(true);

    const input = { token, orgName: "Initech", name: "Peter Gibbons", email: "Peter@Initech.test", password: "tps-reports-1" };
    const admin = await completeSetup(database.db, { ...input, email: input.email.toLowerCase() });
    expect(admin).toMatchObject({ role: "admin", email: "peter@initech.test", sessionEpoch: 0 });
    const [org] = await database.db.select().from(organizations).where(eq(organizations.id, admin.orgId));
    expect(org.name).toBe("Initech");
    const [row] = await database.db.select().from(users).where(eq(users.id, admin.id));
    expect(await verifyPassword("tps-reports-1", row.passwordHash)).toBe(true);

    // Used up; and with a user in the database, no link (old or new) sets it up again.
    expect(await setupLinkIsLive(database.db, token)).toBe(false);
    await expect(completeSetup(database.db, { ...input, email: "x@initech.test" })).rejects.toThrow(/already set up/);
    expect(await issueSetupLink(database.db, "https://c.example")).toBeUndefined();
  });

  it("an expired setup link is refused; two links racing make one organization", async () => {
    const expired = tokenOf((await issueSetupLink(database.db, "http://app"))!);
    await database.db.update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) });
    const base = { orgName: "Org", name: "A", password: "password-1" };
    await expect(completeSetup(database.db, { ...base, token: expired, email: "a@a.test" })).rejects.toThrow(
      /expired or was already used/,
    );

    const one = tokenOf((await issueSetupLink(database.db, "http://app"))!);
    const two = tokenOf((await issueSetupLink(database.db, "http://app"))!);
    const outcomes = await Promise.allSettled([
      completeSetup(database.db, { ...base, token: one, email: "one@a.test" }),
      completeSetup(database.db, { ...base, token: two, email: "two@a.test" }),
    ]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(await database.db.select().from(organizations)).toHaveLength(1);
  });

  it("admin:create makes an organization at any time, with a single-use sign-in link", async () => {
    await seedPeople(database.db);
    const { link, admin } = await createOrganizationFromShell(
      database.db,
      { orgName: "Umbrella", name: "Alice", email: "alice@umbrella.test" },
      "http://app",
    );
    expect(link).toMatch(/^http:\/\/app\/sign-in\/link\?token=/);
    await expect(
      createOrganizationFromShell(
        database.db,
        { orgName: "Again", name: "A", email: "ALICE@umbrella.test".toLowerCase() },
        "http://app",
      ),
    ).rejects.toThrow(/already exists/);
    expect(await consumeSignInLink(database.db, tokenOf(link))).toMatchObject({ id: admin.id, role: "admin" });
    expect(await consumeSignInLink(database.db, tokenOf(link))).toBeUndefined();
  });

  it("admin:create's admin has no password until the printed set-password link gives them one", async () => {
    const { setPasswordLink, admin } = await createOrganizationFromShell(
      database.db,
      { orgName: "Umbrella", name: "Alice", email: "alice@umbrella.test" },
      "http://app",
    );
    expect(setPasswordLink).toMatch(/^http:\/\/app\/set-password\?token=/);
    const actor = (await loadActor(database.db, admin.id))!;
    expect(await userHasPassword(database.db, actor)).toBe(false);
    // Settings → Account cannot ask for a current password they never had.
    const refused = await rejection(
      changePassword(
        database.db,
        actor,
        { currentPassword: "x", newPassword: "new-password-1" },
        new SignInThrottle({ kind: "memory" }),
      ),
    );
    expect(refused.message).toMatch(/no password to change\. Ask an admin for a password-reset link/);
    // No password signs in either, and the answer takes the dummy check's time like an unknown email.
    const throttle = new SignInThrottle({ kind: "memory" });
    expect(
      await signInWithPassword(database.db, throttle, { email: admin.email, password: "none", address: undefined }),
    ).toBeNull();
    expect(await passwordResetFor(database.db, tokenOf(setPasswordLink))).toEqual({ email: "alice@umbrella.test" });
    await setPasswordWithLink(database.db, { token: tokenOf(setPasswordLink), password: "alice-password-1" });
    expect(await userHasPassword(database.db, actor)).toBe(true);
    expect(
      await signInWithPassword(database.db, throttle, { email: admin.email, password: "alice-password-1", address: undefined }),
    ).toMatchObject({ id: admin.id });
  });
});

describe.each(databaseKinds)("invitations and passwords on %s", (kind) => {
  let database: TestDatabase;
  let people: DemoPeople;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    people = await seedPeople(database.db);
  });
  afterEach(async () => {
    await database?.drop();
  });

  it("an invitation is listed until used, works once, and gives the invited role", async () => {
    const { ada, bob } = people;
    await expect(inviteMember(database.db, bob, { email: "x@acme.test", role: "member" }, "http://app")).rejects.toThrow(
      /Only an admin/,
    );
    const taken = await rejection(inviteMember(database.db, ada, { email: "bob@acme.test", role: "member" }, "http://app"));
    expect(taken.message).toBe("A user with this email already exists");

    const { link, invitation } = await inviteMember(database.db, ada, { email: "dana@acme.test", role: "admin" }, "http://app");
    expect(link).toMatch(/^http:\/\/app\/invite\?token=/);
    expect(Math.round((Date.parse(invitation.expiresAt) - Date.now()) / DAY)).toBe(7);
    expect((await listInvitations(database.db, ada)).map((i) => i.email)).toEqual(["dana@acme.test"]);
    expect(await listInvitations(database.db, people.eve)).toEqual([]);
    expect(await invitationForToken(database.db, tokenOf(link))).toEqual({
      email: "dana@acme.test",
      orgName: "Acme",
      role: "admin",
    });

    const dana = await acceptInvitation(database.db, { token: tokenOf(link), name: "Dana Scully", password: "trust-no-one" });
    expect(dana).toMatchObject({ orgId: ada.orgId, role: "admin", email: "dana@acme.test", name: "Dana Scully" });
    await expect(
      acceptInvitation(database.db, { token: tokenOf(link), name: "Again", password: "trust-no-one" }),
    ).rejects.toThrow(/expired or was already used/);
    expect(await listInvitations(database.db, ada)).toEqual([]);
  });

  it("a revoked or week-old invitation does not work; inviting again replaces the link", async () => {
    const { ada, eve } = people;
    const first = await inviteMember(database.db, ada, { email: "fox@acme.test", role: "member" }, "http://app");
    const second = await inviteMember(database.db, ada, { email: "fox@acme.test", role: "member" }, "http://app");
    expect(await invitationForToken(database.db, tokenOf(first.link))).toBeUndefined();
    await expect(revokeInvitation(database.db, eve, second.invitation.id)).rejects.toThrow(/Only an admin|does not exist/);
    await revokeInvitation(database.db, ada, second.invitation.id);
    await expect(
      acceptInvitation(database.db, { token: tokenOf(second.link), name: "Fox", password: "i-want-to-believe" }),
    ).rejects.toThrow(/expired or was already used/);

    const third = await inviteMember(database.db, ada, { email: "fox@acme.test", role: "member" }, "http://app");
    await database.db
      .update(accountTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(accountTokens.id, third.invitation.id));
    expect(await invitationForToken(database.db, tokenOf(third.link))).toBeUndefined();
    await expect(
      acceptInvitation(database.db, { token: tokenOf(third.link), name: "Fox", password: "i-want-to-believe" }),
    ).rejects.toThrow(/expired/);
  });

  it("a password change needs the current password, ends older sessions at once, and the re-signed one goes on", async () => {
    const { bob } = people;
    const cache = new ActorCache({ ttlMs: 60_000 });
    try {
      const before = await sessionTokenFor(database.db, bob.id);
      expect(await cache.fromSessionToken(database.db, before)).toMatchObject({ id: bob.id });
      const throttle = new SignInThrottle({ kind: "memory" });
      const change = (currentPassword: string) =>
        changePassword(database.db, bob, { currentPassword, newPassword: "new-password-1" }, throttle);
      const wrong = await rejection(change("nope"));
      expect(wrong.message).toBe("The current password is not correct");

      const subject = await change("connections");
      expect(subject.sessionEpoch).toBe(1);
      expect(await cache.fromSessionToken(database.db, before)).toBeUndefined();
      expect(await cache.fromSessionToken(database.db, await encodeSession(subject))).toMatchObject({ id: bob.id });
      const [row] = await database.db.select().from(users).where(eq(users.id, bob.id));
      expect(await verifyPassword("new-password-1", row.passwordHash)).toBe(true);
    } finally {
      cache.close();
    }
  });

  it("the current password is throttled like a sign-in: past the limit even the right one is refused", async () => {
    const { bob } = people;
    const throttle = new SignInThrottle({ kind: "memory" });
    const change = (currentPassword: string) =>
      changePassword(database.db, bob, { currentPassword, newPassword: "new-password-2" }, throttle);
    for (let i = 1; i < MAX_FAILURES; i += 1) expect((await rejection(change(`guess-${i}`))).message).toMatch(/not correct/);
    expect((await rejection(change("guess-last"))).message).toMatch(/^Too many attempts\. Try again in 15 minutes\.$/);
    const refused = await rejection(change("connections"));
    expect(refused).toMatchObject({ code: "too_many_attempts" });
    // The same count as sign-in: Bob's email is locked there too.
    expect((await throttle.attempt("bob@acme.test", undefined)).allowed).toBe(false);
    const [row] = await database.db.select().from(users).where(eq(users.id, bob.id));
    expect(await verifyPassword("connections", row.passwordHash)).toBe(true);
  });

  it("sign out everywhere ends every session and personal access token of the user and no one else's", async () => {
    const { ada, bob } = people;
    const cache = new ActorCache({ ttlMs: 60_000 });
    try {
      const bobs = await sessionTokenFor(database.db, bob.id);
      const adas = await sessionTokenFor(database.db, ada.id);
      const bobToken = (await createAccessToken(database.db, bob, { name: "script" })).token;
      const adaToken = (await createAccessToken(database.db, ada, { name: "script" })).token;
      expect(await cache.fromSessionToken(database.db, bobs)).toBeDefined();
      expect(await cache.fromSessionToken(database.db, adas)).toBeDefined();
      expect(await cache.fromAccessToken(database.db, bobToken)).toMatchObject({ id: bob.id });
      await signOutEverywhere(database.db, bob);
      expect(await cache.fromSessionToken(database.db, bobs)).toBeUndefined();
      expect(await cache.fromAccessToken(database.db, bobToken)).toBeUndefined();
      expect(await loadActor(database.db, bob.id, 0)).toBeUndefined();
      expect(await cache.fromSessionToken(database.db, adas)).toMatchObject({ id: ada.id });
      expect(await cache.fromAccessToken(database.db, adaToken)).toMatchObject({ id: ada.id });
    } finally {
      cache.close();
    }
  });

  it("a password-reset link sets the password once and ends the member's other sessions and access tokens", async () => {
    const { ada, bob } = people;
    const bobToken = (await createAccessToken(database.db, bob, { name: "script" })).token;
    const { link } = await createPasswordResetLink(database.db, ada, bob.id, "http://app");
    expect(await passwordResetFor(database.db, tokenOf(link))).toEqual({ email: "bob@acme.test" });
    const subject = await setPasswordWithLink(database.db, { token: tokenOf(link), password: "reset-password-1" });
    expect(subject).toMatchObject({ id: bob.id, sessionEpoch: 1 });
    await expect(setPasswordWithLink(database.db, { token: tokenOf(link), password: "again-password" })).rejects.toThrow(
      /expired or was already used/,
    );
    expect(await passwordResetFor(database.db, tokenOf(link))).toBeUndefined();
    expect(await actorFromAccessToken(database.db, bobToken)).toBeUndefined();
    const [row] = await database.db.select().from(users).where(eq(users.id, bob.id));
    expect(await verifyPassword("reset-password-1", row.passwordHash)).toBe(true);
  });
});
