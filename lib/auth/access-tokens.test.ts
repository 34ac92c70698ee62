import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    expect(actor).toEqual(ada);
    const [listed] = await listAccessTokens(ctx.db, ada);
    expect(listed.lastUsedAt).not.toBeNull();
    expect(await listAccessTokens(ctx.db, bob)).toEqual([]);

    expect(await actorFromAccessToken(ctx.db, `${token}x`)).toBeUndefined();
    expect(await actorFromAccessToken(ctx.db, "not-a-token")).toBeUndefined();

    await expect(revokeAccessToken(ctx.db, bob, accessToken.id)).rejects.toThrow(/does not exist/);
    await revokeAccessToken(ctx.db, ada, accessToken.id);
    expect(await actorFromAccessToken(ctx.db, token)).toBeUndefined();
  });
});
