/**
 * The test environment of lib/ (one per test process): APP_URL, a throwaway key ring,
 * private networks allowed (every peer is on loopback), and an extra catalogue file with
 * the loopback services a test file needs.
 *
 * Call `setupTestEnv()` BEFORE anything calls `env()`: lib/env.ts and the catalogue cache
 * their values for the life of the process (vitest runs each test file in its own process,
 * so one call per file is the rule), and after the peers listen when their URLs go into the
 * catalogue.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CatalogEntryInput } from "@/lib/catalog/schema";
import { testIdpEntry } from "./catalog";

/** Loopback, not `localhost`: oidc-provider refuses `localhost` redirect URIs for web clients. */
export const TEST_APP_URL = "http://127.0.0.1:3999";
/** The app's OAuth redirect URI of one service (docs/product.md §6: one per service). */
export const testRedirectUri = (serviceLinkName: string) => `${TEST_APP_URL}/api/oauth/callback/${serviceLinkName}`;
/** A redirect URI for tests that drive the IdP themselves (idpTokens), registered by every test client. */
export const TEST_REDIRECT_URI = `${TEST_APP_URL}/api/oauth/callback/test`;

export type TestEnvOptions = {
  /** Adds the `test_idp` catalogue entry for this issuer (start the IdP first). */
  idpIssuer?: string;
  /** More catalogue entries for the extra catalogue file. */
  extraEntries?: CatalogEntryInput[];
  /** More environment variables (bounds, timeouts). */
  env?: Record<string, string>;
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
  const signature = JSON.stringify({ entries, env: opts.env ?? {} });
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
    ...opts.env,
  });
  current = { signature, env: { appUrl: TEST_APP_URL, redirectUri: TEST_REDIRECT_URI, catalogFile, keyId } };
  return current.env;
}
