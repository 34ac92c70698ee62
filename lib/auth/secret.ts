import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { env, isProduction } from "@/lib/env";

let cached: string | undefined;

/**
 * The secret that signs session JWTs: NEXTAUTH_SECRET, or in development one generated
 * once into the data directory so that sessions survive restarts without any set-up.
 */
export function authSecret(): string {
  if (cached) return cached;
  const configured = env().NEXTAUTH_SECRET;
  if (configured) return (cached = configured);
  if (isProduction()) {
    throw new Error("NEXTAUTH_SECRET must be set in production (e.g. `openssl rand -base64 32`).");
  }
  const file = path.resolve(env().CONNECTIONS_DATA_DIR, "nextauth-secret");
  try {
    cached = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      cached = secret;
    } catch {
      cached = fs.readFileSync(file, "utf8").trim(); // another process won the race
    }
  }
  return cached;
}
