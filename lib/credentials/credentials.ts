import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { credentials } from "@/db/schema";
import { openJson, sealJson } from "@/lib/secrets";

/** The secret material of one credential, by auth type. Sealed as JSON; never leaves lib/. */
export type CredentialPayload =
  | { type: "oauth2"; accessToken: string; refreshToken?: string; tokenType: string }
  | { type: "oauth1"; token: string; tokenSecret: string }
  | { type: "api_key"; values: Record<string, string> }
  | { type: "basic"; username: string; password: string };

export type CredentialRow = typeof credentials.$inferSelect;

type Executor = Pick<Db, "select" | "insert" | "update">;

export async function findCredential(db: Pick<Db, "select">, connectionId: string, userId: string) {
  const [row] = await db
    .select()
    .from(credentials)
    .where(and(eq(credentials.connectionId, connectionId), eq(credentials.userId, userId)))
    .limit(1);
  return row;
}

export function openCredential(row: CredentialRow): CredentialPayload | undefined {
  if (!row.payloadSealed) return undefined;
  return openJson<CredentialPayload>("credential", row, row.payloadSealed);
}

/**
 * Stores a user's credential for a connection (insert or replace), connected, with a new
 * version so a refresh in flight cannot overwrite it (compare-and-swap on version).
 */
export async function storeCredential(
  db: Executor,
  input: {
    orgId: string;
    connectionId: string;
    userId: string;
    payload: CredentialPayload;
    grantedScopes: string[];
    expiresAt?: Date | null;
    /** Renewable without the user; by default whether an OAuth 2 payload carries a refresh token. */
    renewable?: boolean;
    /** The provider's id of the consenting account, where it gives one. */
    providerAccountId?: string | null;
  },
): Promise<CredentialRow> {
  // The payload is sealed for the row id, so make sure the row exists first.
  await db
    .insert(credentials)
    .values({ orgId: input.orgId, connectionId: input.connectionId, userId: input.userId, status: "revoked" })
    .onConflictDoNothing();
  const row = await findCredential(db, input.connectionId, input.userId);
  if (!row) throw new Error("credential row vanished");
  const now = new Date();
  const [saved] = await db
    .update(credentials)
    .set({
      status: "connected",
      payloadSealed: sealJson("credential", row, input.payload),
      grantedScopes: input.grantedScopes,
      expiresAt: input.expiresAt ?? null,
      renewable: input.renewable ?? (input.payload.type === "oauth2" && !!input.payload.refreshToken),
      providerAccountId: input.providerAccountId ?? null,
      version: sql`${credentials.version} + 1`,
      authorizedAt: now,
      lastRefreshedAt: null,
      updatedAt: now,
    })
    .where(eq(credentials.id, row.id))
    .returning();
  return saved;
}

/** Forgets the secret and leaves the credential "revoked": the connection shows as not connected. */
export async function clearCredential(db: Executor, credentialId: string): Promise<void> {
  await db
    .update(credentials)
    .set({
      status: "revoked",
      payloadSealed: null,
      expiresAt: null,
      version: sql`${credentials.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(credentials.id, credentialId));
}
