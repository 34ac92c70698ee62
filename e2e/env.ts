import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";

/** Fixed loopback ports: the app, and the test peers whose URLs go into the catalogue file. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_IDP_PORT = Number(process.env.E2E_IDP_PORT ?? 3211);
export const E2E_ECHO_PORT = Number(process.env.E2E_ECHO_PORT ?? 3212);
export const E2E_OAUTH1_PORT = Number(process.env.E2E_OAUTH1_PORT ?? 3213);

export const E2E_DIR = path.resolve(__dirname, "..", ".data", "e2e");
export const E2E_CATALOG_FILE = path.join(E2E_DIR, "catalog.json");

export const IDP_ISSUER = `http://127.0.0.1:${E2E_IDP_PORT}`;
export const IDP_CLIENT = { client_id: "connections-e2e", client_secret: "e2e-client-secret-1c8f" };
export const IDP_CC_CLIENT = { client_id: "connections-e2e-cc", client_secret: "e2e-cc-secret-77a1" };
export const ECHO_URL = `http://127.0.0.1:${E2E_ECHO_PORT}`;
export const OAUTH1_URL = `http://127.0.0.1:${E2E_OAUTH1_PORT}`;
export const OAUTH1_CONSUMER = { key: "e2e-consumer-key", secret: "e2e-consumer-secret-9d2c" };

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

/**
 * The production server's environment for the suite: a throwaway key ring and session
 * secret, private networks allowed (every peer is on loopback), and Postgres when
 * DATABASE_URL is set, else a fresh PGlite directory.
 */
export function e2eEnv(): Record<string, string> {
  // Playwright loads this config again in each worker; only the main process, which starts the server, starts afresh.
  if (process.env.TEST_WORKER_INDEX === undefined) {
    fs.rmSync(E2E_DIR, { recursive: true, force: true });
    fs.mkdirSync(E2E_DIR, { recursive: true });
    fs.writeFileSync(E2E_CATALOG_FILE, JSON.stringify(e2eCatalog(), null, 2));
  }
  const env: Record<string, string> = {
    NODE_ENV: "production",
    APP_URL: `http://127.0.0.1:${E2E_PORT}`,
    NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    CONNECTIONS_KEYS: JSON.stringify({ e2e: randomBytes(32).toString("base64") }),
    CONNECTIONS_ACTIVE_KEY: "e2e",
    CONNECTIONS_DATA_DIR: E2E_DIR,
    CONNECTIONS_ALLOW_PRIVATE_NETWORK: "true",
    CONNECTIONS_CATALOG_FILE: E2E_CATALOG_FILE,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  return env;
}
