/**
 * Who a single sign-on is (docs/product.md §8) on PGlite, and on Postgres when DATABASE_URL
 * is set: only a verified email counts; a member signs in as themselves; a pending invitation
 * is used up and gives its role; the configured domains join the configured organization as
 * members; anyone else is refused.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountTokens, users } from "@/db/schema";
import { createAppContext, databaseKinds, setupTestEnv, type AppContext } from "@/test/harness";
import { hasPassword } from "@/lib/crypto/password";
import { inviteMember } from "./invitations";
import { removeMember } from "./members";
import { resolveSsoSignIn } from "./sso";

setupTestEnv();

describe.each(databaseKinds)("single sign-on on %s", (kind) => {
  let ctx: AppContext;
  beforeAll(async () => {
    ctx = await createAppContext(kind);
  });
  afterAll(async () => {
    await ctx?.drop();
  });
  const none = { domains: [] };

  it("needs a verified email, and signs a member in as themselves", async () => {
    const { bob } = ctx.actors;
    expect(await resolveSsoSignIn(ctx.db, { email: "bob@acme.test" }, none)).toEqual({ ok: false, reason: "unverified" });
    expect(await resolveSsoSignIn(ctx.db, { email: "bob@acme.test", email_verified: "true" }, none)).toMatchObject({ ok: false });
    expect(await resolveSsoSignIn(ctx.db, { email: "BOB@acme.test", email_verified: true }, none)).toMatchObject({
      ok: true,
      subject: { id: bob.id, orgId: bob.orgId, role: "member" },
    });
  });

  it("uses a pending invitation of the configured organization once, with its role", async () => {
    const { ada } = ctx.actors;
    const { invitation } = await inviteMember(ctx.db, ada, { email: "gina@acme.test", role: "admin" }, "http://app");
    // Without CONNECTIONS_OIDC_ORG no invitation is used up (it is accepted on its page), nor by another organization's SSO.
    const gina = { email: "gina@acme.test", email_verified: true, name: "Gina" };
    expect(await resolveSsoSignIn(ctx.db, gina, none)).toEqual({ ok: false, reason: "not_allowed" });
    expect(await resolveSsoSignIn(ctx.db, gina, { org: "Globex", domains: ["acme.test"] })).toMatchObject({
      ok: true,
      subject: { role: "member", orgId: ctx.actors.eve.orgId },
    });
    await ctx.db.delete(users).where(eq(users.email, "gina@acme.test"));
    const [untouched] = await ctx.db.select().from(accountTokens).where(eq(accountTokens.id, invitation.id));
    expect(untouched.usedAt).toBeNull();
    const outcome = await resolveSsoSignIn(ctx.db, gina, { org: "Acme", domains: [] });
    expect(outcome).toMatchObject({ ok: true, subject: { orgId: ada.orgId, role: "admin", name: "Gina" } });
    const [used] = await ctx.db.select().from(accountTokens).where(eq(accountTokens.id, invitation.id));
    expect(used.usedAt).not.toBeNull();
  });

  it("lets the configured domains join the configured organization as members, and refuses everyone else", async () => {
    const { eve } = ctx.actors;
    const policy = { org: "Globex", domains: ["globex.test"] };
    const joined = await resolveSsoSignIn(ctx.db, { email: "hank@globex.test", email_verified: true }, policy);
    expect(joined).toMatchObject({ ok: true, subject: { orgId: eve.orgId, role: "member", email: "hank@globex.test" } });
    // They sign in with SSO: no password until an admin's reset link gives them one.
    const [hank] = await ctx.db.select().from(users).where(eq(users.email, "hank@globex.test"));
    expect(hasPassword(hank.passwordHash)).toBe(false);
    expect(await resolveSsoSignIn(ctx.db, { email: "hank@globex.test", email_verified: true }, policy)).toMatchObject({
      ok: true,
      subject: { id: joined.ok ? joined.subject.id : "" },
    });
    // An address past RFC 5321's length is not one anybody can have: refused before any query.
    const long = `${"h".repeat(250)}@globex.test`;
    expect(await resolveSsoSignIn(ctx.db, { email: long, email_verified: true }, policy)).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    expect(await resolveSsoSignIn(ctx.db, { email: "ivan@elsewhere.test", email_verified: true }, policy)).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    expect(await resolveSsoSignIn(ctx.db, { email: "ivan@globex.test", email_verified: true }, none)).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    // By id too; an unknown organization joins nobody.
    expect(
      await resolveSsoSignIn(
        ctx.db,
        { email: "jill@globex.test", email_verified: true },
        { org: eve.orgId, domains: ["globex.test"] },
      ),
    ).toMatchObject({ ok: true, subject: { orgId: eve.orgId } });
    expect(
      await resolveSsoSignIn(
        ctx.db,
        { email: "kim@globex.test", email_verified: true },
        { org: "Nope", domains: ["globex.test"] },
      ),
    ).toEqual({ ok: false, reason: "not_allowed" });
    const globex = await ctx.db.select().from(users).where(eq(users.orgId, eve.orgId));
    expect(globex.map((u) => u.email).sort()).toEqual(["eve@globex.test", "hank@globex.test", "jill@globex.test"]);
  });

  it("with CONNECTIONS_OIDC_ORG, refuses a user of another organization (no cross-organization sign-in)", async () => {
    const { eve, bob } = ctx.actors;
    const acmeOnly = { org: "Acme", domains: ["acme.test"] };
    // Eve is an admin of Globex: Acme's provider cannot sign her in, whatever email it vouches for.
    expect(await resolveSsoSignIn(ctx.db, { email: eve.email, email_verified: true }, acmeOnly)).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    expect(await resolveSsoSignIn(ctx.db, { email: bob.email, email_verified: true }, acmeOnly)).toMatchObject({
      ok: true,
      subject: { id: bob.id },
    });
    // Globex's invitation is not used by Acme's SSO either.
    const { invitation } = await inviteMember(ctx.db, eve, { email: "lou@else.test", role: "admin" }, "http://app");
    expect(await resolveSsoSignIn(ctx.db, { email: "lou@else.test", email_verified: true }, acmeOnly)).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    const [row] = await ctx.db.select().from(accountTokens).where(eq(accountTokens.id, invitation.id));
    expect(row.usedAt).toBeNull();
  });

  it("a member removed from the organization cannot join again by domain; a new invitation lets them back", async () => {
    const { ada } = ctx.actors;
    const policy = { org: "Acme", domains: ["acme.test"] };
    const mia = { email: "mia@acme.test", email_verified: true, name: "Mia" };
    const joined = await resolveSsoSignIn(ctx.db, mia, policy);
    expect(joined).toMatchObject({ ok: true, subject: { orgId: ada.orgId } });
    await removeMember(ctx.db, ada, { userId: joined.ok ? joined.subject.id : "", connections: "delete" });
    expect(await resolveSsoSignIn(ctx.db, { ...mia, email: "MIA@acme.test" }, policy)).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    await inviteMember(ctx.db, ada, { email: "mia@acme.test", role: "member" }, "http://app");
    expect(await resolveSsoSignIn(ctx.db, mia, policy)).toMatchObject({ ok: true, subject: { email: "mia@acme.test" } });
  });
});
