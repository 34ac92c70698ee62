/**
 * Changes are in force on every instance within a second (docs/architecture.md "Caches and
 * invalidation"), on real Postgres (skipped without DATABASE_URL): two app instances in
 * their own processes, each with warm caches of the actor and the call target, and the
 * change made by a third party (this process) as the web app makes it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessToken, revokeAccessToken } from "@/lib/auth/access-tokens";
import { connectInstances } from "@/lib/cache/notify";
import { revokeConnection } from "@/lib/connections/revoke-connection";
import { updateConnection } from "@/lib/connections/update-connection";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startInstance, type Instance } from "@/test/harness/instances";
import {
  addConnection,
  addCredential,
  apiKeyEntry,
  createTestDatabase,
  seedPeople,
  setupTestEnv,
  type DemoPeople,
  type TestDatabase,
} from "@/test/harness";

const IN_FORCE_WITHIN_MS = 1_000;

describe.runIf(Boolean(process.env.DATABASE_URL))("invalidation across two instances (Postgres)", () => {
  let echo: EchoApi;
  let database: TestDatabase;
  let people: DemoPeople;
  let instances: Instance[] = [];
  let disconnect: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    echo = await startEchoApi();
    setupTestEnv({
      extraEntries: [
        apiKeyEntry({ linkName: "t_inst_key", baseUrl: echo.url, params: [{ name: "x-api-key", paramType: "header" }] }),
      ],
    });
    database = await createTestDatabase("postgres");
    people = await seedPeople(database.db);
    disconnect = await connectInstances(database.pubsub!);
    const url = (database.target as { url: string }).url;
    instances = await Promise.all([startInstance(url), startInstance(url)]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await disconnect?.();
    await database?.drop();
    await echo?.close();
  });

  const invoke = (instance: Instance, token: string, connection: string) =>
    fetch(`${instance.url}/api/v1/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ connection, url: `${echo.url}/ping`, method: "GET" }),
    }).then(async (answer) => {
      await answer.arrayBuffer();
      return answer.status;
    });

  /** Polls every instance until the call stops answering 200; returns how long the slowest took. */
  async function timeUntilRefused(token: string, connection: string): Promise<number> {
    const started = performance.now();
    const each = await Promise.all(
      instances.map(async (instance) => {
        for (;;) {
          const status = await invoke(instance, token, connection);
          if (status !== 200) return performance.now() - started;
          if (performance.now() - started > 10_000) return Infinity;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    return Math.max(...each);
  }

  async function warm(token: string, connection: string) {
    for (const instance of instances) {
      // twice: the second call is served from the caches the first one filled
      expect(await invoke(instance, token, connection)).toBe(200);
      expect(await invoke(instance, token, connection)).toBe(200);
    }
  }

  it("a revoked personal access token", async () => {
    const connection = await addConnection(database.db, people.ada, { service: "t_inst_key", linkName: "inst_pat" });
    await addCredential(database.db, people.ada, connection.id, { type: "api_key", values: { "x-api-key": "k-pat" } });
    const { token, accessToken } = await createAccessToken(database.db, people.ada, { name: "inst" });
    await warm(token, "inst_pat");
    await revokeAccessToken(database.db, people.ada, accessToken.id);
    expect(await timeUntilRefused(token, "inst_pat")).toBeLessThan(IN_FORCE_WITHIN_MS);
  });

  it("a revoked connection", async () => {
    const connection = await addConnection(database.db, people.ada, { service: "t_inst_key", linkName: "inst_revoke" });
    await addCredential(database.db, people.ada, connection.id, { type: "api_key", values: { "x-api-key": "k-revoke" } });
    const { token } = await createAccessToken(database.db, people.ada, { name: "inst" });
    await warm(token, "inst_revoke");
    await revokeConnection(database.db, people.ada, connection.id);
    expect(await timeUntilRefused(token, "inst_revoke")).toBeLessThan(IN_FORCE_WITHIN_MS);
  });

  it("'Who can use it' changed back to 'Only me'", async () => {
    const connection = await addConnection(database.db, people.ada, {
      service: "t_inst_key",
      linkName: "inst_access",
      access: "organization",
    });
    await addCredential(database.db, people.ada, connection.id, { type: "api_key", values: { "x-api-key": "k-access" } });
    const { token } = await createAccessToken(database.db, people.bob, { name: "inst" });
    await warm(token, "inst_access");
    await updateConnection(database.db, people.ada, { id: connection.id, name: "inst_access", scopes: [], access: "owner" });
    expect(await timeUntilRefused(token, "inst_access")).toBeLessThan(IN_FORCE_WITHIN_MS);
  });
});
