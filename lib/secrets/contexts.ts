import "server-only";
import type { SecretContext } from "@/lib/crypto";

/**
 * The associated data of every sealed column: a ciphertext copied to another row,
 * another user, or another table no longer opens (docs/architecture.md "Secrets").
 */
export const secretContext = {
  credential: (row: { id: string; userId: string }): SecretContext => ({
    table: "credentials",
    rowId: row.id,
    userId: row.userId,
  }),
  service: (row: { id: string; createdBy: string }): SecretContext => ({
    table: "services",
    rowId: row.id,
    userId: row.createdBy,
  }),
  // An organization's OAuth app belongs to no single user: bind it to the organization.
  serviceApp: (row: { id: string; orgId: string }): SecretContext => ({
    table: "service_apps",
    rowId: row.id,
    userId: `org:${row.orgId}`,
  }),
  oauthTransaction: (row: { id: string; userId: string }): SecretContext => ({
    table: "oauth_transactions",
    rowId: row.id,
    userId: row.userId,
  }),
};
