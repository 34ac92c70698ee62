import "server-only";
import type { SecretContext } from "@/lib/crypto";

/**
 * The associated data of every sealed column (docs/architecture.md "Secrets"): a ciphertext
 * copied to another table, row, user, organization or connection no longer opens.
 */
export const secretContext = {
  credential: (row: { id: string; userId: string; orgId: string; connectionId: string }): SecretContext => ({
    table: "credentials",
    rowId: row.id,
    userId: row.userId,
    bindings: [
      ["org", row.orgId],
      ["connection", row.connectionId],
    ],
  }),
  service: (row: { id: string; createdBy: string; orgId: string }): SecretContext => ({
    table: "services",
    rowId: row.id,
    userId: row.createdBy,
    bindings: [["org", row.orgId]],
  }),
  // An organization's OAuth app belongs to no single user: bind it to the organization.
  serviceApp: (row: { id: string; orgId: string }): SecretContext => ({
    table: "service_apps",
    rowId: row.id,
    userId: `org:${row.orgId}`,
    bindings: [["org", row.orgId]],
  }),
  // A webhook's signing secret belongs to the organization, not to the admin who added it.
  webhook: (row: { id: string; orgId: string }): SecretContext => ({
    table: "webhooks",
    rowId: row.id,
    userId: `org:${row.orgId}`,
    bindings: [["org", row.orgId]],
  }),
  oauthTransaction: (row: { id: string; userId: string; orgId: string; connectionId: string }): SecretContext => ({
    table: "oauth_transactions",
    rowId: row.id,
    userId: row.userId,
    bindings: [
      ["org", row.orgId],
      ["connection", row.connectionId],
    ],
  }),
};
