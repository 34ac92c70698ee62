/**
 * Who may do what to a connection (docs/product.md §5, §9), at the level every route and server
 * action calls: only the owner edits or deletes; a connection that is not shared is
 * invisible to other members; a shared one gets one credential per user and each user
 * revokes only their own; another organization sees nothing at all.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connections, credentials, serviceApps } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { Conflict, DomainError, Forbidden, Invalid, NotConfigured, NotFound } from "@/lib/errors";
import { listServiceApps, setServiceApp } from "@/lib/services/apps";
import {
  createConnectionSchema,
  keyCredentialSchema,
  listQuerySchema,
  updateConnectionSchema,
  type CreateConnectionInput,
} from "@/lib/validation/connections";
import { serviceAppSchema } from "@/lib/validation/service-apps";
import { createAppContext, setupTestEnv, type AppContext } from "@/test/harness";
import { databaseKinds } from "@/test/harness";
import { connectClientCredentials } from "./connect-client-credentials";
import { startAuthorization } from "./start-authorization";
import { createConnection, LINK_NAME_TAKEN } from "./create-connection";
import { findCredential, openCredential } from "@/lib/credentials/credentials";
import { deleteConnection } from "./delete-connection";
import { getConnectionSummary } from "./get-connection-summary";
import { listConnections, type ListTab } from "./list-connections";
import { revokeConnection } from "./revoke-connection";
import { saveKeyCredential } from "./save-key-credential";
import { updateConnection } from "./update-connection";

beforeAll(() => {
  setupTestEnv();
});

type ErrorClass = new (...args: never[]) => DomainError;

async function expectError<E extends ErrorClass>(p: Promise<unknown>, type: E): Promise<InstanceType<E>> {
  const error = await p.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as InstanceType<E>;
}

describe.each(databaseKinds)("connection authorization (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;
  let eve: Actor;
  let seq = 0;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob, eve } = ctx.actors);
  });

  afterAll(async () => {
    await ctx?.drop();
  });

  async function create(actor: Actor, input: Partial<CreateConnectionInput> & { service?: CreateConnectionInput["service"] }) {
    seq += 1;
    const { id } = await createConnection(
      ctx.db,
      actor,
      createConnectionSchema.parse({
        service: { kind: "catalog", linkName: "stripe" },
        name: `Conn ${seq}`,
        linkName: `conn_${seq}`,
        ...input,
      }),
    );
    return id;
  }

  const saveKey = (actor: Actor, id: string, key: string) =>
    saveKeyCredential(ctx.db, actor, keyCredentialSchema.parse({ id, serviceVersion: 0, values: { Authorization: key } }));

  const list = (actor: Actor, tab: ListTab, q = "") =>
    listConnections(ctx.db, actor, tab, listQuerySchema.parse({ q, pageSize: 100 }));
  const idsIn = async (actor: Actor, tab: ListTab) => (await list(actor, tab)).rows.map((r) => r.id);

  /** Every function that takes a connection id, as this actor. */
  function everyFunction(actor: Actor, id: string): Array<[string, () => Promise<unknown>]> {
    return [
      ["getConnectionSummary", () => getConnectionSummary(ctx.db, actor, id)],
      // Inputs built by hand (not parsed) so that malformed ids reach the access check too.
      ["updateConnection", () => updateConnection(ctx.db, actor, { id, name: "Hijacked", scopes: [] })],
      ["deleteConnection", () => deleteConnection(ctx.db, actor, id)],
      ["revokeConnection", () => revokeConnection(ctx.db, actor, id)],
      [
        "saveKeyCredential",
        () => saveKeyCredential(ctx.db, actor, { id, serviceVersion: 0, values: { Authorization: "sk_intruder" } }),
      ],
      ["startAuthorization", () => startAuthorization(ctx.db, actor, { connectionId: id, browserBinding: "b", mode: "popup" })],
      ["connectClientCredentials", () => connectClientCredentials(ctx.db, actor, id)],
    ];
  }

  it("bob cannot edit or delete ada's shared connection (Forbidden), and nothing changes", async () => {
    const id = await create(ada, { name: "Ada shared", useLoginUserCredentials: true });
    const e1 = await expectError(
      updateConnection(ctx.db, bob, updateConnectionSchema.parse({ id, name: "Bob was here", scopes: [] })),
      Forbidden,
    );
    expect(e1.message).toMatch(/Only the owner/);
    await expectError(deleteConnection(ctx.db, bob, id), Forbidden);
    const [row] = await ctx.db.select().from(connections).where(eq(connections.id, id));
    expect(row).toMatchObject({ name: "Ada shared", ownerId: ada.id });
    // The owner can.
    await updateConnection(ctx.db, ada, updateConnectionSchema.parse({ id, name: "Ada renamed", scopes: [] }));
    expect((await getConnectionSummary(ctx.db, ada, id)).name).toBe("Ada renamed");
  });

  it("bob cannot see or touch ada's connection that is not shared (NotFound everywhere)", async () => {
    const id = await create(ada, { name: "Ada private" });
    await saveKey(ada, id, "sk_ada_private");
    for (const [name, call] of everyFunction(bob, id)) {
      const e = await expectError(call(), NotFound).catch((error: unknown) => {
        throw new Error(`${name}: ${String(error)}`);
      });
      expect(e.message, name).toBe("That connection does not exist");
    }
    for (const tab of ["own", "shared", "available"] as const) expect(await idsIn(bob, tab), tab).not.toContain(id);
    expect(await idsIn(ada, "own")).toContain(id);
    // Ada's credential is untouched.
    const credential = await findCredential(ctx.db, id, ada.id);
    expect(openCredential(credential!)).toEqual({ type: "api_key", values: { Authorization: "sk_ada_private" } });
    expect(await ctx.db.select().from(credentials).where(eq(credentials.connectionId, id))).toHaveLength(1);
  });

  it("sharing: bob authorizes with his own key, sees it under Shared, and revokes only his own credential", async () => {
    const id = await create(ada, { name: "Team Stripe", useLoginUserCredentials: true });
    await saveKey(ada, id, "sk_ada_team");

    // Before: available to bob (not connected by him), not in his shared list, never in his own.
    const available = await list(bob, "available");
    const row = available.rows.find((r) => r.id === id);
    expect(row).toMatchObject({
      name: "Team Stripe",
      status: "not_connected",
      canEdit: false,
      canDelete: false,
      ownerName: ada.name,
    });
    expect(await idsIn(bob, "shared")).not.toContain(id);
    expect(await idsIn(bob, "own")).not.toContain(id);
    expect(await getConnectionSummary(ctx.db, bob, id)).toMatchObject({ status: "not_connected", isOwner: false });

    await saveKey(bob, id, "sk_bob_team");

    const shared = await list(bob, "shared");
    expect(shared.rows.find((r) => r.id === id)).toMatchObject({ status: "connected", canEdit: false, canDelete: false });
    expect(await idsIn(bob, "available")).not.toContain(id);
    expect(await getConnectionSummary(ctx.db, bob, id)).toMatchObject({ status: "connected", isOwner: false });
    expect((await getConnectionSummary(ctx.db, ada, id)).sharedAuthorizedCount).toBe(1);
    // Two credentials, one per user, each opening to that user's own key.
    expect(openCredential((await findCredential(ctx.db, id, bob.id))!)).toEqual({
      type: "api_key",
      values: { Authorization: "sk_bob_team" },
    });
    expect(openCredential((await findCredential(ctx.db, id, ada.id))!)).toEqual({
      type: "api_key",
      values: { Authorization: "sk_ada_team" },
    });

    // Still no edit or delete for bob.
    await expectError(updateConnection(ctx.db, bob, updateConnectionSchema.parse({ id, name: "x", scopes: [] })), Forbidden);
    await expectError(deleteConnection(ctx.db, bob, id), Forbidden);

    // Bob's revoke clears his credential only.
    await expect(revokeConnection(ctx.db, bob, id)).resolves.toEqual({ provider: "no_endpoint" });
    const bobs = await findCredential(ctx.db, id, bob.id);
    expect(bobs).toMatchObject({ status: "revoked", payloadSealed: null });
    const adas = await findCredential(ctx.db, id, ada.id);
    expect(adas?.status).toBe("connected");
    expect(openCredential(adas!)).toEqual({ type: "api_key", values: { Authorization: "sk_ada_team" } });
    expect(await getConnectionSummary(ctx.db, bob, id)).toMatchObject({ status: "not_connected" });
    expect(await getConnectionSummary(ctx.db, ada, id)).toMatchObject({ status: "connected", sharedAuthorizedCount: 0 });
    // Listed as not connected, ready to connect again (docs/product.md §4 "Revoke").
    expect((await list(bob, "shared")).rows.find((r) => r.id === id)?.status).toBe("not_connected");
    await expect(revokeConnection(ctx.db, bob, id)).resolves.toEqual({ provider: "nothing_to_revoke" });

    // And the other way round: ada's revoke leaves bob's (re-saved) credential alone.
    await saveKey(bob, id, "sk_bob_again");
    await revokeConnection(ctx.db, ada, id);
    expect((await findCredential(ctx.db, id, ada.id))?.payloadSealed).toBeNull();
    expect(openCredential((await findCredential(ctx.db, id, bob.id))!)).toEqual({
      type: "api_key",
      values: { Authorization: "sk_bob_again" },
    });

    // The owner's delete removes every credential.
    await deleteConnection(ctx.db, ada, id);
    expect(await ctx.db.select().from(credentials).where(eq(credentials.connectionId, id))).toEqual([]);
    await expectError(getConnectionSummary(ctx.db, bob, id), NotFound);
  });

  it("eve (another organization) gets NotFound for every function with Acme's connection id", async () => {
    const shared = await create(ada, { name: "Acme shared", useLoginUserCredentials: true });
    const unshared = await create(ada, { name: "Acme private" });
    await saveKey(ada, shared, "sk_acme");
    for (const id of [shared, unshared, "not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      for (const [name, call] of everyFunction(eve, id)) {
        const e = await expectError(call(), NotFound).catch((error: unknown) => {
          throw new Error(`${name}(${id}): ${String(error)}`);
        });
        expect(e.message, name).toBe("That connection does not exist");
      }
    }
    for (const tab of ["own", "shared", "available"] as const) {
      const page = await list(eve, tab);
      expect(page.total, tab).toBe(0);
      expect(page.rows, tab).toEqual([]);
    }
    // Nothing of Acme's changed.
    const [row] = await ctx.db.select().from(connections).where(eq(connections.id, shared));
    expect(row.name).toBe("Acme shared");
    expect(await ctx.db.select().from(credentials).where(eq(credentials.connectionId, shared))).toHaveLength(1);
  });

  it("link names are unique per organization: Conflict with fieldErrors.linkName", async () => {
    await create(ada, { linkName: "billing" });
    const e = await expectError(create(ada, { linkName: "billing" }), Conflict);
    expect(e.message).toBe(LINK_NAME_TAKEN);
    expect(e.fieldErrors).toEqual({ linkName: [LINK_NAME_TAKEN] });
    // Also against another member of the same organization...
    const e2 = await expectError(
      create(bob, { linkName: "billing", service: { kind: "catalog", linkName: "openai" } }),
      Conflict,
    );
    expect(e2.fieldErrors?.linkName).toEqual([LINK_NAME_TAKEN]);
    // ...but another organization has its own namespace.
    await expect(create(eve, { linkName: "billing" })).resolves.toEqual(expect.any(String));
  });

  it("an unknown scope is Invalid with fieldErrors.scopes", async () => {
    const e = await expectError(
      create(ada, { service: { kind: "catalog", linkName: "github" }, scopes: ["repo", "launch_missiles"] }),
      Invalid,
    );
    expect(e.message).toBe('GitHub does not offer the scope "launch_missiles"');
    expect(e.fieldErrors).toEqual({ scopes: ['Unknown scope "launch_missiles"'] });
    const id = await create(ada, { service: { kind: "catalog", linkName: "github" }, scopes: ["repo"] });
    await expectError(updateConnection(ctx.db, ada, updateConnectionSchema.parse({ id, name: "GH", scopes: ["root"] })), Invalid);
  });

  it("a member cannot set an organization's OAuth app (Forbidden)", async () => {
    const e = await expectError(
      setServiceApp(
        ctx.db,
        bob,
        serviceAppSchema.parse({ serviceLinkName: "gitlab", clientId: "bob-client", clientSecret: "bob-secret" }),
      ),
      Forbidden,
    );
    expect(e.message).toMatch(/Only an admin/);
    expect(await ctx.db.select().from(serviceApps).where(eq(serviceApps.serviceLinkName, "gitlab"))).toEqual([]);
  });

  it('an OAuth service without an app shows notConfigured, and starting it says "Not configured by your admin"', async () => {
    const id = await create(ada, { service: { kind: "catalog", linkName: "gitlab" }, scopes: ["read_user"] });
    const summary = await getConnectionSummary(ctx.db, ada, id);
    expect(summary).toMatchObject({ notConfigured: true, status: "not_connected", usesPopup: true });
    const e = await expectError(
      startAuthorization(ctx.db, ada, { connectionId: id, browserBinding: "b", mode: "popup" }),
      NotConfigured,
    );
    expect(e.message).toContain("Not configured by your admin");

    // Once an admin sets the app it is configured for Acme, and only for Acme.
    await setServiceApp(
      ctx.db,
      ada,
      serviceAppSchema.parse({ serviceLinkName: "gitlab", clientId: "acme-gitlab", clientSecret: "acme-gitlab-secret" }),
    );
    expect((await listServiceApps(ctx.db, ada)).map((a) => a.serviceLinkName)).toContain("gitlab");
    expect((await getConnectionSummary(ctx.db, ada, id)).notConfigured).toBe(false);
    const { redirectTo } = await startAuthorization(ctx.db, ada, { connectionId: id, browserBinding: "b", mode: "popup" });
    expect(new URL(redirectTo).searchParams.get("client_id")).toBe("acme-gitlab");

    const eveId = await create(eve, { service: { kind: "catalog", linkName: "gitlab" }, scopes: ["read_user"] });
    expect((await getConnectionSummary(ctx.db, eve, eveId)).notConfigured).toBe(true);
    await expectError(
      startAuthorization(ctx.db, eve, { connectionId: eveId, browserBinding: "b", mode: "popup" }),
      NotConfigured,
    );
  });
});
