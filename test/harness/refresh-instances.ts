/**
 * Two app "instances" renewing one organization's OAuth 2 tokens, for the refresh tests on
 * real Postgres (docs/architecture.md "Refresh"): two engines, each with its own
 * single-flight state, on two database handles of one database; oidc-provider with
 * refresh-token rotation as the token endpoint, and the echo API checking each bearer token
 * by introspection. Call `startRefreshInstances` in a `beforeAll` and `close` in the `afterAll`.
 */
import { openDatabase, type DatabaseHandle } from "@/db/client";
import type { Actor } from "@/lib/auth/users";
import { createInvokeEngine, type InvokeEngine, type InvokeResult } from "@/lib/invoke/invoke";
import { startEchoApi, type EchoApi } from "@/test/peers/echo-api";
import { startIdp, type Idp } from "@/test/peers/idp";
import { oauth2Entry } from "./catalog";
import { createTestDatabase, type TestDatabase } from "./db";
import { setupTestEnv, TEST_REDIRECT_URI } from "./env";
import { addConnection, addCredential, idpTokens, seedPeople, setOrgClient, type DemoPeople } from "./fixtures";

export type RefreshInstances = {
  idp: Idp;
  echo: EchoApi;
  database: TestDatabase;
  /** The second instance's own handle of the same database. */
  second: DatabaseHandle;
  people: DemoPeople;
  instances: Array<{ engine: InvokeEngine; db: DatabaseHandle["db"] }>;
  /**
   * A connection of ada's ("Everyone in my organization": ada and bob both call it, with
   * ada's credential) with real IdP tokens, stored with the access token `stored` expiring at
   * `expiresAt`.
   */
  connection(linkName: string, stored: string, expiresAt: Date): ReturnType<typeof connectionOf>;
  /** `count` concurrent calls of the connection, alternating instances and callers (ada, bob). */
  fire(linkName: string, count: number): Promise<InvokeResult[]>;
  close(): Promise<void>;
};

/** The status of each result, whichever form it came in. */
export const resultStatuses = (results: InvokeResult[]) =>
  results.map((r) => (r.kind === "upstream" ? r.status : r.detailed.responseCode));

async function connectionOf(
  env: { database: TestDatabase; people: DemoPeople; idp: Idp; client: { clientId: string; clientSecret: string } },
  service: string,
  linkName: string,
  stored: string,
  expiresAt: Date,
) {
  const { database, people, idp, client } = env;
  const c = await addConnection(database.db, people.ada, { service, linkName, scopes: ["read"], access: "organization" });
  const tokens = await idpTokens(idp, client, ["read"]);
  const row = await addCredential(
    database.db,
    people.ada,
    c.id,
    { type: "oauth2", accessToken: stored, refreshToken: tokens.refreshToken, tokenType: "bearer" },
    { expiresAt, grantedScopes: ["read"] },
  );
  return { row, tokens };
}

export async function startRefreshInstances(options: {
  /** The catalogue entry's link name of the OAuth 2 service. */
  service: string;
  client: { clientId: string; clientSecret: string };
  /** Lifetime of the access tokens the IdP issues, s. */
  accessTokenTtl: number;
}): Promise<RefreshInstances> {
  const { service, client } = options;
  const idp = await startIdp({
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [TEST_REDIRECT_URI],
        grant_types: ["authorization_code", "refresh_token"],
      },
    ],
    scopes: ["read"],
    accessTokenTtl: options.accessTokenTtl,
    rotateRefreshToken: true,
  });
  const echo = await startEchoApi({ introspect: { url: idp.endpoints.introspection, ...client } });
  setupTestEnv({
    extraEntries: [
      oauth2Entry({
        linkName: service,
        baseUrl: echo.url,
        tokenUrl: idp.endpoints.token,
        authorizeUrl: idp.endpoints.authorization,
        scopes: ["read"],
      }),
    ],
  });
  const database = await createTestDatabase("postgres");
  const second = await openDatabase(database.target);
  const people = await seedPeople(database.db);
  await setOrgClient(database.db, people.ada.orgId, service, client.clientId, client.clientSecret);
  const instances = [
    { engine: createInvokeEngine(), db: database.db },
    { engine: createInvokeEngine(), db: second.db },
  ];
  const actors: Actor[] = [people.ada, people.bob];
  return {
    idp,
    echo,
    database,
    second,
    people,
    instances,
    connection: (linkName, stored, expiresAt) =>
      connectionOf({ database, people, idp, client }, service, linkName, stored, expiresAt),
    fire: (linkName, count) =>
      Promise.all(
        Array.from({ length: count }, (_, i) => {
          const { engine, db } = instances[i % 2];
          return engine.invoke(db, actors[Math.floor(i / 2) % 2], { connection: linkName, url: `${echo.url}/oauth/protected` });
        }),
      ),
    async close() {
      await Promise.all(instances.map(({ engine }) => engine.close()));
      await second.close();
      await database.drop();
      await echo.close();
      await idp.close();
    },
  };
}
