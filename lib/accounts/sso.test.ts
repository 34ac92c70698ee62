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
import { inviteMember } from "./invitations";
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

  it("uses a pending invitation once, with its role", async () => {
    const { ada } = ctx.actors;
    const { invitation } = await inviteMember(ctx.db, ada, { email: "gina@acme.test", role: "admin" }, "http://app");
    const outcome = await resolveSsoSignIn(ctx.db, { email: "gina@acme.test", email_verified: true, name: "Gina" }, none);
    expect(outcome).toMatchObject({ ok: true, subject: { orgId: ada.orgId, role: "admin", name: "Gina" } });
    const [used] = await ctx.db.select().from(accountTokens).where(eq(accountTokens.id, invitation.id));
    expect(used.usedAt).not.toBeNull();
  });

  it("lets the configured domains join the configured organization as members, and refuses everyone else", async () => {
    const { eve } = ctx.actors;
    const policy = { org: "Globex", domains: ["globex.test"] };
    const joined = await resolveSsoSignIn(ctx.db, { email: "hank@globex.test", email_verified: true }, policy);
    expect(joined).toMatchObject({ ok: true, subject: { orgId: eve.orgId, role: "member", email: "hank@globex.test" } });
    expect(await resolveSsoSignIn(ctx.db, { email: "hank@globex.test", email_verified: true }, policy)).toMatchObject({
      ok: true,
      subject: { id: joined.ok ? joined.subject.id : "" },
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
});
