import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokens } from "@/db/schema";
import { addConnection } from "@/test/harness";
import { createAppContext, setupTestEnv, type AppContext } from "@/test/harness";
import { databaseKinds } from "@/test/harness";
import { actorFromAccessToken, createAccessToken, listAccessTokens, revokeAccessToken } from "./access-tokens";

setupTestEnv();

describe.each(databaseKinds)("personal access tokens on %s", (kind) => {
  let ctx: AppContext;
  beforeAll(async () => {
    ctx = await createAppContext(kind);
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  it("stands for its user until revoked, is stored only as a hash, and records when it was last used", async () => {
    const { ada, bob } = ctx.actors;
    const { token, accessToken } = await createAccessToken(ctx.db, ada, { name: "script" });
    expect(token).toMatch(/^cxn_[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(accessToken)).not.toContain(token.slice(10));

    const actor = await actorFromAccessToken(ctx.db, token);
    expect(actor).toEqual({ ...ada, token: { id: accessToken.id, connectionIds: null } });
    const [listed] = await listAccessTokens(ctx.db, ada);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(await listAccessTokens(ctx.db, bob)).toEqual([]);

    expect(await actorFromAccessToken(ctx.db, `${token}x`)).toBeUndefined();
    expect(await actorFromAccessToken(ctx.db, "not-a-token")).toBeUndefined();

    await expect(revokeAccessToken(ctx.db, bob, accessToken.id)).rejects.toThrow(/does not exist/);
    await revokeAccessToken(ctx.db, ada, accessToken.id);
    expect(await actorFromAccessToken(ctx.db, token)).toBeUndefined();
  });

  it("expires after the chosen lifetime (30, 90 or 365 days, or never)", async () => {
    const { ada } = ctx.actors;
    const month = await createAccessToken(ctx.db, ada, { name: "month", expiresInDays: 30 });
    const days = (iso: string | null) => (iso ? Math.round((Date.parse(iso) - Date.now()) / 86_400_000) : null);
    expect(days(month.accessToken.expiresAt)).toBe(30);
    expect((await createAccessToken(ctx.db, ada, { name: "forever", expiresInDays: null })).accessToken.expiresAt).toBeNull();
    expect(await actorFromAccessToken(ctx.db, month.token)).toMatchObject({ id: ada.id });
    // A month later:
    await ctx.db
      .update(accessTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(accessTokens.id, month.accessToken.id));
    expect(await actorFromAccessToken(ctx.db, month.token)).toBeUndefined();
  });

  it("can be restricted to connections its user may call, and to those only", async () => {
    const { ada, bob } = ctx.actors;
    const own = await addConnection(ctx.db, ada, { service: "stripe", linkName: `tok_own_${kind}` });
    const bobsPrivate = await addConnection(ctx.db, bob, { service: "stripe", linkName: `tok_bob_${kind}` });
    const restricted = await createAccessToken(ctx.db, ada, { name: "one connection", connectionIds: [own.id] });
    expect(restricted.accessToken.connectionIds).toEqual([own.id]);
    expect((await actorFromAccessToken(ctx.db, restricted.token))?.token).toEqual({
      id: restricted.accessToken.id,
      connectionIds: [own.id],
    });
    // Bob's "Only me" connection is not one ada may call: the restriction cannot name it.
    await expect(createAccessToken(ctx.db, ada, { name: "sneaky", connectionIds: [bobsPrivate.id] })).rejects.toMatchObject({
      code: "invalid",
    });
  });
});
