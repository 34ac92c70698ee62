/**
 * A reusable harness for integration tests of lib/ (connections, services, flows).
 *
 * - `setupTestEnv()` sets process.env for the app (APP_URL, a key ring, private networks
 *   allowed, an extra catalogue file) BEFORE anything calls `env()`: lib/env.ts and
 *   lib/catalog/runtime.ts cache their values for the life of the process (vitest runs
 *   each test file in its own process, so one call per file is the rule).
 * - `createAppContext(kind)` gives a fresh, migrated and seeded database with the demo
 *   actors (ada: Acme admin, bob: Acme member, eve: Globex admin).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseTarget, Db } from "@/db/client";
import { seedDemo } from "@/db/seed";
import { findUserByEmail, loadActor, type Actor } from "@/lib/auth/users";
import type { CatalogEntryInput } from "@/lib/catalog/schema";
import type { IdpClient } from "@/e2e/peers/idp";
import { createTestDatabase } from "./databases";

/** Loopback, not `localhost`: oidc-provider refuses `localhost` redirect URIs for web clients. */
export const TEST_APP_URL = "http://127.0.0.1:3999";
export const TEST_REDIRECT_URI = `${TEST_APP_URL}/api/oauth/callback`;

/** The catalogue entry of the loopback IdP (e2e/peers/idp.ts) and the OAuth client the org uses for it. */
export const TEST_IDP_LINK_NAME = "test_idp";
export const TEST_IDP_NAME = "Test IdP";
export const TEST_IDP_CLIENT = { clientId: "connections-app", clientSecret: "connections-app-secret-5d1c0e9b" } as const;

/** The IdP client registration that matches TEST_IDP_CLIENT and the app's redirect URI. */
export function testIdpClient(overrides: Partial<IdpClient> = {}): IdpClient {
  return {
    client_id: TEST_IDP_CLIENT.clientId,
    client_secret: TEST_IDP_CLIENT.clientSecret,
    redirect_uris: [TEST_REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_basic",
    scope: "openid offline_access read write",
    ...overrides,
  };
}

/** A catalogue entry (as in a CONNECTIONS_CATALOG_FILE) for an oidc-provider started by `startIdp`. */
export function testIdpEntry(issuer: string, overrides: Partial<CatalogEntryInput> = {}): CatalogEntryInput {
  const base = issuer.replace(/\/+$/, "");
  return {
    name: TEST_IDP_NAME,
    linkName: TEST_IDP_LINK_NAME,
    category: "Identity",
    description: "The loopback OpenID provider of the test suite",
    icon: "KeyRound",
    authType: "oauth2",
    docsUrl: base,
    api: { baseUrl: base, allowedHosts: ["127.0.0.1"] },
    oauth2: {
      issuer: base,
      issParameterSupported: true,
      authorizeUrl: `${base}/auth`,
      tokenUrl: `${base}/token`,
      revocationUrl: `${base}/token/revocation`,
      scopes: [
        { name: "openid", description: "Sign in", default: true },
        { name: "read", description: "Read things", default: true },
        { name: "write", description: "Write things", default: false },
      ],
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
    },
    ...overrides,
  };
}

export type TestEnvOptions = {
  /** Adds the `test_idp` catalogue entry for this issuer (start the IdP first). */
  idpIssuer?: string;
  /** More catalogue entries for the extra catalogue file. */
  extraEntries?: CatalogEntryInput[];
};

export type TestEnv = { appUrl: string; redirectUri: string; catalogFile: string; keyId: string };

let current: { signature: string; env: TestEnv } | undefined;

/**
 * Writes the extra catalogue file and sets process.env. Idempotent: calling it again
 * with the same options returns the same environment; different options in the same
 * process throw, since env() and the catalogue are already cached by then.
 */
export function setupTestEnv(opts: TestEnvOptions = {}): TestEnv {
  const entries = [...(opts.idpIssuer ? [testIdpEntry(opts.idpIssuer)] : []), ...(opts.extraEntries ?? [])];
  const signature = JSON.stringify(entries);
  if (current) {
    if (current.signature !== signature) {
      throw new Error(
        "setupTestEnv() was already called in this process with other options; env() and the catalogue are cached per process",
      );
    }
    return current.env;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "connections-test-"));
  const catalogFile = path.join(dir, "catalog.json");
  writeFileSync(catalogFile, JSON.stringify(entries, null, 2));
  const keyId = "t";
  Object.assign(process.env, {
    APP_URL: TEST_APP_URL,
    CONNECTIONS_KEYS: JSON.stringify({ [keyId]: randomBytes(32).toString("base64") }),
    CONNECTIONS_ACTIVE_KEY: keyId,
    CONNECTIONS_ALLOW_PRIVATE_NETWORK: "true",
    CONNECTIONS_CATALOG_FILE: catalogFile,
    CONNECTIONS_DATA_DIR: dir,
    CONNECTIONS_SEED: "false",
  });
  current = { signature, env: { appUrl: TEST_APP_URL, redirectUri: TEST_REDIRECT_URI, catalogFile, keyId } };
  return current.env;
}

export type Actors = { ada: Actor; bob: Actor; eve: Actor };

export type AppContext = {
  kind: DatabaseTarget["kind"];
  db: Db;
  actors: Actors;
  drop(): Promise<void>;
};

async function actorByEmail(db: Db, email: string): Promise<Actor> {
  const user = await findUserByEmail(db, email);
  const actor = user && (await loadActor(db, user.id));
  if (!actor) throw new Error(`seeded user ${email} not found`);
  return actor;
}

/** A fresh database of this kind, migrated and seeded with the demo organizations. */
export async function createAppContext(kind: DatabaseTarget["kind"]): Promise<AppContext> {
  const handle = await createTestDatabase(kind);
  try {
    await seedDemo(handle.db);
    const actors: Actors = {
      ada: await actorByEmail(handle.db, "ada@acme.test"),
      bob: await actorByEmail(handle.db, "bob@acme.test"),
      eve: await actorByEmail(handle.db, "eve@globex.test"),
    };
    return { kind, db: handle.db, actors, drop: () => handle.drop() };
  } catch (error) {
    await handle.drop();
    throw error;
  }
}
