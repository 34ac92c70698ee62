import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

/** Fixed loopback ports: the app, and the test peers whose URLs go into the catalogue file. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3211);
export const E2E_ECHO_PORT = Number(process.env.E2E_ECHO_PORT ?? 3212);
export const E2E_OAUTH1_PORT = Number(process.env.E2E_OAUTH1_PORT ?? 3213);
/** A second server of the same build on an empty database, for the first-run spec (no demo seed). */
export const E2E_FRESH_PORT = Number(process.env.E2E_FRESH_PORT ?? 3214);
/** The single sign-on provider of the fresh server (oidc-provider, started by the first-run spec). */
export const E2E_SSO_PORT = Number(process.env.E2E_SSO_PORT ?? 3215);
/** The server the stop spec starts and stops itself (e2e/stop.spec.ts). */
export const E2E_STOP_PORT = Number(process.env.E2E_STOP_PORT ?? 3216);
export const SSO_ISSUER = `http://127.0.0.1:${E2E_SSO_PORT}`;
export const SSO_CLIENT = { client_id: "connections-sso", client_secret: "e2e-sso-secret-5a0f" };
/** Anyone of this domain (the provider's accounts are `<login>@idp.test`) joins the first-run organization. */
export const SSO_ORG = "Initech";

export const E2E_DIR = path.resolve(__dirname, "..", ".data", "e2e");
/** Same in the main process and the workers: the parent's pid names the run. */
export const E2E_DATABASE_NAME = `connections_e2e_${process.env.E2E_RUN_ID ?? (process.env.E2E_RUN_ID = String(process.pid))}`;
export const E2E_CATALOG_FILE = path.join(E2E_DIR, "catalog.json");
export const E2E_FRESH_DIR = path.join(E2E_DIR, "fresh");
/** The fresh server's output, where its one-time setup link is printed. */
export const E2E_FRESH_LOG = path.join(E2E_DIR, "fresh-server.log");

export const IDP_ISSUER = `http://127.0.0.1:${E2E_IDP_PORT}`;
export const IDP_CLIENT = { client_id: "connections-e2e", client_secret: "e2e-client-secret-1c8f" };
export const IDP_CC_CLIENT = { client_id: "connections-e2e-cc", client_secret: "e2e-cc-secret-77a1" };
export const ECHO_URL = `http://127.0.0.1:${E2E_ECHO_PORT}`;
export const OAUTH1_URL = `http://127.0.0.1:${E2E_OAUTH1_PORT}`;
export const OAUTH1_CONSUMER = { key: "e2e-consumer-key", secret: "e2e-consumer-secret-9d2c" };
export const METRICS_TOKEN = "e2e-metrics-token-3b7d0c9a";

/** The test peers as default services, added the way a self-hoster would: CONNECTIONS_CATALOG_FILE. */
export function e2eCatalog() {
  return [
    {
      name: "Test IdP",
      linkName: "test_idp",
      category: "Identity",
      description: "oidc-provider on loopback, for the end-to-end suite",
      icon: "KeyRound",
      authType: "oauth2",
      docsUrl: "https://github.com/panva/node-oidc-provider",
      api: { baseUrl: ECHO_URL, allowedHosts: ["127.0.0.1"] },
      verify: { method: "GET", path: "/oauth/protected" },
      oauth2: {
        issuer: IDP_ISSUER,
        issParameterSupported: true,
        authorizeUrl: `${IDP_ISSUER}/auth`,
        tokenUrl: `${IDP_ISSUER}/token`,
        revocationUrl: `${IDP_ISSUER}/token/revocation`,
        scopes: [
          { name: "openid", description: "Sign in with the provider", default: true },
          { name: "offline_access", description: "Keep access when you are away (refresh token)", default: true },
          { name: "read", description: "Read your data", default: false },
          { name: "write", description: "Change your data", default: false },
        ],
        scopeDelimiter: "space",
        pkce: true,
        tokenAuthMethod: "client_secret_basic",
      },
    },
  ];
}

/** A fresh data directory and catalogue file; called once by the main process, before the server starts. */
export function prepareE2EDir(): void {
  fs.rmSync(E2E_DIR, { recursive: true, force: true });
  fs.mkdirSync(E2E_DIR, { recursive: true });
  fs.writeFileSync(E2E_CATALOG_FILE, JSON.stringify(e2eCatalog(), null, 2));
}

/**
 * The production server's environment for the suite: a throwaway key ring and session
 * secret, private networks allowed (every peer is on loopback), and Postgres when
 * DATABASE_URL is set, else a fresh PGlite directory.
 */
export function e2eEnv(): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: "production",
    APP_URL: `http://127.0.0.1:${E2E_PORT}`,
    NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
    // Kept in process.env: the workers and the global teardown (e2e/secrets.ts) see the values the server got.
    NEXTAUTH_SECRET: (process.env.E2E_NEXTAUTH_SECRET ??= randomBytes(32).toString("base64")),
    CONNECTIONS_KEYS: JSON.stringify({ e2e: (process.env.E2E_DATA_KEY ??= randomBytes(32).toString("base64")) }),
    CONNECTIONS_ACTIVE_KEY: "e2e",
    CONNECTIONS_DATA_DIR: E2E_DIR,
    CONNECTIONS_ALLOW_PRIVATE_NETWORK: "true",
    CONNECTIONS_CATALOG_FILE: E2E_CATALOG_FILE,
    CONNECTIONS_METRICS_TOKEN: METRICS_TOKEN,
    // The specs sign in as the demo users: a production start seeds them only when asked to (docs/product.md §8).
    CONNECTIONS_SEED: "true",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (process.env.DATABASE_URL) {
    // A database of its own, created by the web server command and dropped by the global teardown.
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${E2E_DATABASE_NAME}`;
    env.DATABASE_URL = url.toString();
    env.E2E_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    env.E2E_DATABASE_NAME = E2E_DATABASE_NAME;
  }
  return env;
}

/**
 * The fresh server: production, nothing seeded, its own embedded PGlite directory, so it
 * starts on an empty database and prints a setup link (docs/product.md §8).
 */
export function e2eFreshEnv(): Record<string, string> {
  return {
    ...e2eEnv(),
    // Playwright adds its own environment under these: empty values, so the fresh server never sees the
    // suite's Postgres (an empty DATABASE_URL means embedded PGlite) nor the demo seed.
    DATABASE_URL: "",
    E2E_ADMIN_DATABASE_URL: "",
    E2E_DATABASE_NAME: "",
    CONNECTIONS_SEED: "",
    APP_URL: `http://127.0.0.1:${E2E_FRESH_PORT}`,
    NEXTAUTH_URL: `http://127.0.0.1:${E2E_FRESH_PORT}`,
    CONNECTIONS_DATA_DIR: E2E_FRESH_DIR,
    CONNECTIONS_JOBS: "false",
    CONNECTIONS_OIDC_ISSUER: SSO_ISSUER,
    CONNECTIONS_OIDC_CLIENT_ID: SSO_CLIENT.client_id,
    CONNECTIONS_OIDC_CLIENT_SECRET: SSO_CLIENT.client_secret,
    CONNECTIONS_OIDC_ORG: SSO_ORG,
    CONNECTIONS_OIDC_DOMAINS: "idp.test",
  };
}
