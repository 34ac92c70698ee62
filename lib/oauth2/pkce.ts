import "server-only";

import { createHash } from "node:crypto";

import { generateRandomCodeVerifier, generateRandomState } from "oauth4webapi";

export type Pkce = { verifier: string; challenge: string; method: "S256" };

/** A fresh PKCE pair (RFC 7636): 32 random bytes as verifier, S256 challenge. */
export function createPkce(): Pkce {
  const verifier = generateRandomCodeVerifier();
  const challenge = createHash("sha256").update(verifier, "ascii").digest("base64url");
  return { verifier, challenge, method: "S256" };
}

/** A fresh, unguessable `state` value (32 random bytes, base64url). */
export function randomState(): string {
  return generateRandomState();
}
