/**
 * Seeds the database the environment names (DATABASE_URL, else PGlite in
 * CONNECTIONS_DATA_DIR) for `npm run bench:invoke`, through the app's own code: an API-key
 * and an OAuth 2 connection of ada@acme.test with sealed credentials, and a personal access
 * token. Prints `{"token": …}` and exits, so that a PGlite directory is free for the app.
 */
import { getDatabaseHandle, getDb } from "@/db";
import { createAccessToken } from "@/lib/auth/access-tokens";
import { findUserByEmail, loadActor } from "@/lib/auth/users";
import { createConnection } from "@/lib/connections/create-connection";
import { storeCredential } from "@/lib/credentials/credentials";

async function main(): Promise<void> {
  const apiKey = process.env.BENCH_API_KEY!;
  const upstreamToken = process.env.BENCH_UPSTREAM_TOKEN!;
  const db = await getDb();
  const ada = (await loadActor(db, (await findUserByEmail(db, "ada@acme.test"))!.id))!;
  const keyConn = await createConnection(db, ada, {
    service: { kind: "catalog", linkName: "bench_key" },
    name: "Bench key",
    linkName: "bench_key_conn",
    scopes: [],
    scopeDelimiter: "comma",
    useLoginUserCredentials: false,
  });
  await storeCredential(db, {
    orgId: ada.orgId,
    connectionId: keyConn.id,
    userId: ada.id,
    payload: { type: "api_key", values: { "x-api-key": apiKey } },
    grantedScopes: [],
  });
  const oauthConn = await createConnection(db, ada, {
    service: { kind: "catalog", linkName: "bench_oauth" },
    name: "Bench OAuth",
    linkName: "bench_oauth_conn",
    scopes: [],
    scopeDelimiter: "space",
    useLoginUserCredentials: false,
  });
  await storeCredential(db, {
    orgId: ada.orgId,
    connectionId: oauthConn.id,
    userId: ada.id,
    payload: { type: "oauth2", accessToken: upstreamToken, refreshToken: "unused", tokenType: "bearer" },
    grantedScopes: [],
    expiresAt: new Date(Date.now() + 24 * 3600_000),
  });
  const { token } = await createAccessToken(db, ada, { name: "bench" });
  await (await getDatabaseHandle()).close();
  process.stdout.write(`${JSON.stringify({ token })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
