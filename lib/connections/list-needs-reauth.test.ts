/** The app shell's "Reconnect" list (docs/product.md §10): only the asking user's own credentials, on both databases. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials } from "@/db/schema";
import { addConnection, addCredential, createAppContext, databaseKinds, setupTestEnv, type AppContext } from "@/test/harness";
import { listNeedsReauth } from "./list-needs-reauth";

beforeAll(() => {
  setupTestEnv();
});

describe.each(databaseKinds)("credentials to reconnect (%s)", (kind) => {
  let ctx: AppContext;
  beforeAll(async () => {
    ctx = await createAppContext(kind);
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  it("lists each user's own refused credentials, and no one else's", async () => {
    const { db, actors } = ctx;
    const { ada, bob, eve } = actors;
    const token = { type: "oauth2" as const, accessToken: "at", refreshToken: "rt", tokenType: "bearer" };
    const refused = async (credentialId: string) =>
      db.update(credentials).set({ status: "needs_reauth" }).where(eq(credentials.id, credentialId));

    const adaPrivate = await addConnection(db, ada, { service: "github", linkName: "ada_private" });
    await refused((await addCredential(db, ada, adaPrivate.id, token)).id);
    const adaTeam = await addConnection(db, ada, { service: "github", linkName: "ada_team", access: "organization" });
    await addCredential(db, ada, adaTeam.id, token); // healthy
    const shared = await addConnection(db, ada, { service: "github", linkName: "shared", shared: true });
    await addCredential(db, ada, shared.id, token); // ada's own is healthy
    await refused((await addCredential(db, bob, shared.id, token)).id);

    // A token without a refresh token that has expired cannot renew itself either.
    const expired = await addConnection(db, ada, { service: "github", linkName: "ada_expired" });
    await addCredential(
      db,
      ada,
      expired.id,
      { type: "oauth2", accessToken: "at", tokenType: "bearer" },
      { expiresAt: new Date(Date.now() - 60_000) },
    );

    const forAda = await listNeedsReauth(db, ada);
    expect(forAda.total).toBe(2);
    expect(forAda.rows).toMatchObject([
      { id: expired.id, linkName: "ada_expired" },
      { id: adaPrivate.id, linkName: "ada_private", connectKind: "consent" },
    ]);

    const forBob = await listNeedsReauth(db, bob);
    expect(forBob.rows.map((r) => r.linkName)).toEqual(["shared"]);

    expect((await listNeedsReauth(db, eve)).rows).toEqual([]);
  });
});
