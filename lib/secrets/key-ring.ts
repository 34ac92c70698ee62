import "server-only";
import path from "node:path";
import { env, isProduction } from "@/lib/env";
import { loadOrCreateDevKeyRing, parseKeyRing, type KeyRing } from "@/lib/crypto";
import { logger } from "@/lib/observe/logger";

let cached: KeyRing | undefined;

/**
 * The key ring of docs/architecture.md "Secrets": CONNECTIONS_KEYS + CONNECTIONS_ACTIVE_KEY, or in
 * development a ring created once in the data directory. Production refuses to start without one.
 */
export function keyRing(): KeyRing {
  if (cached) return cached;
  const { CONNECTIONS_KEYS, CONNECTIONS_ACTIVE_KEY, CONNECTIONS_DATA_DIR } = env();
  if (CONNECTIONS_KEYS) {
    if (!CONNECTIONS_ACTIVE_KEY) throw new Error("CONNECTIONS_ACTIVE_KEY must name one of the keys in CONNECTIONS_KEYS");
    cached = parseKeyRing(CONNECTIONS_KEYS, CONNECTIONS_ACTIVE_KEY);
    return cached;
  }
  if (isProduction()) {
    throw new Error(
      "CONNECTIONS_KEYS and CONNECTIONS_ACTIVE_KEY must be set in production: secrets are encrypted with them. " +
        "See README.md (`npm run keys:generate`).",
    );
  }
  const { ring, created } = loadOrCreateDevKeyRing(path.resolve(CONNECTIONS_DATA_DIR));
  if (created) {
    logger().warn(`created a development key ring in ${CONNECTIONS_DATA_DIR}/keyring.json; do not use it in production`);
  }
  cached = ring;
  return cached;
}
