/**
 * Trust between members of one organization (docs/product.md §5, §6): the organization's
 * client-credentials apps stay with their holder (also once members were let in and then not), a credential typed into a form that an
 * edit of the service overtook is refused, and "Who can use it" is the owner's to change.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { Conflict, DomainError, Forbidden } from "@/lib/errors";
import { setServiceApp } from "@/lib/services/apps";
import { createCustomService } from "@/lib/services/create-custom-service";
import { updateCustomService } from "@/lib/services/update-custom-service";
import { createConnectionSchema, keyCredentialSchema, updateConnectionSchema } from "@/lib/validation/connections";
import { serviceAppSchema } from "@/lib/validation/service-apps";
import { createServiceSchema, updateServiceSchema } from "@/lib/validation/services";
import { createAppContext, databaseKinds, oauth2Entry, setupTestEnv, type AppContext } from "@/test/harness";
import { startTestServer, type TestServer } from "@/test/peers/test-server";
import { invokeConnection } from "@/lib/invoke/invoke";
import { connectClientCredentials } from "./connect-client-credentials";
import { CLIENT_CREDENTIALS_HOLDER_ONLY } from "./authorization-access";
import { createConnection } from "./create-connection";
import { getConnectionSummary } from "./get-connection-summary";
import { saveKeyCredential, SERVICE_CHANGED_WHILE_TYPING } from "./save-key-credential";
import { updateConnection } from "./update-connection";

/** A token endpoint (client credentials) and an API on loopback; counts the tokens it gave. */
let machine: TestServer & { tokens: number };

const MACHINE = "test_machine";
/** The token endpoint answers once this settles (a test holds it to act while a token request waits). */
let tokenGate: Promise<void> = Promise.resolve();
let tokenAsked: () => void = () => {};

beforeAll(async () => {
  const server = await startTestServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/token") {
        tokenAsked();
        void tokenGate.then(() => {
          machine.tokens += 1;
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ access_token: `org-token-${machine.tokens}`, token_type: "bearer", expires_in: 3600 }));
        });
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
      }
    });
  });
  machine = Object.assign(server, { tokens: 0 });
  setupTestEnv({
    extraEntries: [
      oauth2Entry({ linkName: MACHINE, baseUrl: machine.url, tokenUrl: `${machine.url}/token`, grantType: "client_credentials" }),
    ],
  });
});

afterAll(async () => {
  await machine?.close();
});

async function refusal(p: Promise<unknown>): Promise<DomainError> {
  const error = await p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe.each(databaseKinds)("trust between members (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;
  let seq = 0;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob } = ctx.actors);
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  const connect = (actor: Actor, service: { kind: "catalog"; linkName: string } | { kind: "custom"; id: string }) =>
    createConnection(
      ctx.db,
      actor,
      createConnectionSchema.parse({ service, name: `Conn ${++seq}`, linkName: `conn_${kind}_${seq}` }),
    );

  it("a default client-credentials app is the admin's to connect, until the admin lets members", async () => {
    const paypal = { kind: "catalog" as const, linkName: "paypal" };
    const app = (membersMayConnect: boolean) =>
      setServiceApp(
        ctx.db,
        ada,
        serviceAppSchema.parse({
          serviceLinkName: "paypal",
          clientId: "org-paypal",
          clientSecret: "org-paypal-secret",
          membersMayConnect,
        }),
      );
    await app(false);
    const refused = await refusal(connect(bob, paypal));
    expect(refused).toBeInstanceOf(Forbidden);
    expect(refused.message).toBe(CLIENT_CREDENTIALS_HOLDER_ONLY);
    await expect(connect(ada, paypal)).resolves.toMatchObject({ id: expect.any(String) });
    await app(true);
    await expect(connect(bob, paypal)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("a member's token of the organization's client, fetched while the admin stopped letting members, is not kept", async () => {
    const app = (membersMayConnect: boolean) =>
      setServiceApp(
        ctx.db,
        ada,
        serviceAppSchema.parse({
          serviceLinkName: MACHINE,
          clientId: "loop-client",
          clientSecret: "loop-secret",
          membersMayConnect,
        }),
      );
    await app(true);
    const { id } = await connect(bob, { kind: "catalog", linkName: MACHINE });
    const { linkName } = await getConnectionSummary(ctx.db, bob, id);
    const call = () => invokeConnection(ctx.db, bob, { connection: linkName, url: `${machine.url}/api`, method: "GET" });
    // Bob's first call fetches the organization's token on demand; the admin withdraws while it is on its way.
    let answer!: () => void;
    tokenGate = new Promise((resolve) => (answer = resolve));
    const asked = new Promise<void>((resolve) => (tokenAsked = resolve));
    const first = call();
    await asked;
    await app(false);
    answer();
    tokenGate = Promise.resolve();

    expect(await refusal(first)).toMatchObject({ code: "token_refresh_failed" });
    const [stored] = await ctx.db.select().from(credentials).where(eq(credentials.connectionId, id));
    expect(stored?.payloadSealed ?? null).toBeNull();
    // Called again, the organization's client is the holder's alone.
    const again = await refusal(call());
    expect(again).toBeInstanceOf(Forbidden);
    expect(again.message).toBe(CLIENT_CREDENTIALS_HOLDER_ONLY);
  });

  it("a custom client-credentials service is its creator's to connect, until the creator lets members", async () => {
    const input = {
      name: "Machine API",
      linkName: `machine_${kind}`,
      authType: "oauth2" as const,
      grantType: "client_credentials" as const,
      clientId: "machine-client",
      clientSecret: "machine-secret",
      tokenUrl: "https://auth.example.com/token",
      paramType: "header" as const,
      allowedHosts: ["api.example.com"],
    };
    const { id } = await createCustomService(ctx.db, ada, createServiceSchema.parse(input));
    expect(await refusal(connect(bob, { kind: "custom", id }))).toBeInstanceOf(Forbidden);
    await expect(connect(ada, { kind: "custom", id })).resolves.toMatchObject({ id: expect.any(String) });
    await updateCustomService(
      ctx.db,
      ada,
      updateServiceSchema.parse({ ...input, id, clientSecret: "", membersMayConnect: true }),
    );
    await expect(connect(bob, { kind: "custom", id })).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("an admin who stops letting members use the organization's client stops their tokens at once, not at expiry", async () => {
    const app = (membersMayConnect: boolean, clientSecret = "") =>
      setServiceApp(
        ctx.db,
        ada,
        serviceAppSchema.parse({ serviceLinkName: MACHINE, clientId: "loop-client", clientSecret, membersMayConnect }),
      );
    await app(true, "loop-secret");
    const connectAndCall = async (actor: Actor) => {
      const { id } = await connect(actor, { kind: "catalog", linkName: MACHINE });
      await connectClientCredentials(ctx.db, actor, id);
      const { linkName } = await getConnectionSummary(ctx.db, actor, id);
      const call = () => invokeConnection(ctx.db, actor, { connection: linkName, url: `${machine.url}/api`, method: "GET" });
      await expect(call()).resolves.toMatchObject({ status: 200 });
      return { id, call };
    };
    const bobs = await connectAndCall(bob);
    const adas = await connectAndCall(ada);

    await app(false);
    const tokensBefore = machine.tokens;
    // Bob's token of the organization's client is gone; connecting again is the holder's alone.
    expect(await refusal(bobs.call())).toMatchObject({ code: "not_connected" });
    const again = await refusal(connectClientCredentials(ctx.db, bob, bobs.id));
    expect(again).toBeInstanceOf(Forbidden);
    expect(again.message).toBe(CLIENT_CREDENTIALS_HOLDER_ONLY);
    // The admin's own connection keeps its token.
    await expect(adas.call()).resolves.toMatchObject({ status: 200 });
    expect(machine.tokens).toBe(tokensBefore);
  });

  it("an API key typed into a form that a service edit overtook is refused; typed again, it is stored", async () => {
    const input = {
      name: "Keyed API",
      linkName: `keyed_${kind}`,
      authType: "api_key" as const,
      params: [{ name: "X-Api-Key", displayName: "API key", paramType: "header" as const }],
      allowedHosts: ["api.example.com"],
    };
    const { id: serviceId } = await createCustomService(ctx.db, bob, createServiceSchema.parse(input));
    const { id } = await connect(ada, { kind: "custom", id: serviceId });
    const shown = await getConnectionSummary(ctx.db, ada, id);
    expect(shown.credentialHosts).toEqual(["api.example.com"]);

    // Bob edits the service (adds a host) while ada's User Permissions dialog is open.
    await updateCustomService(
      ctx.db,
      bob,
      updateServiceSchema.parse({ ...input, id: serviceId, allowedHosts: ["api.example.com", "bob.example"] }),
    );
    const late = await refusal(
      saveKeyCredential(
        ctx.db,
        ada,
        keyCredentialSchema.parse({ id, serviceVersion: shown.serviceVersion, values: { "X-Api-Key": "ada-key" } }),
      ),
    );
    expect(late).toBeInstanceOf(Conflict);
    expect(late.message).toBe(SERVICE_CHANGED_WHILE_TYPING);
    expect(await ctx.db.select().from(credentials).where(eq(credentials.connectionId, id))).toEqual([]);

    // Opened again, the dialog shows the new hosts, and the key is stored for the new version.
    const again = await getConnectionSummary(ctx.db, ada, id);
    expect(again.credentialHosts).toEqual(["api.example.com", "bob.example"]);
    await saveKeyCredential(
      ctx.db,
      ada,
      keyCredentialSchema.parse({ id, serviceVersion: again.serviceVersion, values: { "X-Api-Key": "ada-key" } }),
    );
    expect(await ctx.db.select().from(credentials).where(eq(credentials.connectionId, id))).toHaveLength(1);
  });

  it('"Who can use it" starts at "Only me" and only the owner changes it', async () => {
    const { id } = await connect(ada, { kind: "catalog", linkName: "stripe" });
    expect((await getConnectionSummary(ctx.db, ada, id)).access).toBe("owner");
    await updateConnection(
      ctx.db,
      ada,
      updateConnectionSchema.parse({ id, name: "Team Stripe", scopes: [], access: "organization" }),
    );
    expect((await getConnectionSummary(ctx.db, ada, id)).access).toBe("organization");
    // Bob cannot even see it (it is not shared), let alone change it.
    await expect(
      updateConnection(ctx.db, bob, updateConnectionSchema.parse({ id, name: "Mine now", scopes: [], access: "owner" })),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
