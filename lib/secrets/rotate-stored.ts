import "server-only";
import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "@/db";
import { credentials, oauthTransactions, serviceApps, services, webhooks } from "@/db/schema";
import { rotateSecrets, type KeyRing, type SecretContext } from "@/lib/crypto";
import { secretContext } from "./contexts";

type SealedColumnSpec = {
  label: string;
  table: PgTable;
  id: PgColumn;
  sealed: PgColumn;
  /** The property name of `sealed` in the table object, for the update. */
  field: string;
  select: Record<string, PgColumn>;
  context: (row: Record<string, unknown>) => SecretContext;
};

/** Every sealed column in the schema; a new one must be added here or rotation would miss it. */
const sealedColumns: SealedColumnSpec[] = [
  {
    label: "credentials",
    table: credentials,
    id: credentials.id,
    sealed: credentials.payloadSealed,
    field: "payloadSealed",
    select: { userId: credentials.userId, orgId: credentials.orgId, connectionId: credentials.connectionId },
    context: (r) =>
      secretContext.credential({
        id: r.id as string,
        userId: r.userId as string,
        orgId: r.orgId as string,
        connectionId: r.connectionId as string,
      }),
  },
  {
    label: "services",
    table: services,
    id: services.id,
    sealed: services.secretSealed,
    field: "secretSealed",
    select: { createdBy: services.createdBy, orgId: services.orgId },
    context: (r) => secretContext.service({ id: r.id as string, createdBy: r.createdBy as string, orgId: r.orgId as string }),
  },
  {
    label: "service_apps",
    table: serviceApps,
    id: serviceApps.id,
    sealed: serviceApps.secretSealed,
    field: "secretSealed",
    select: { orgId: serviceApps.orgId },
    context: (r) => secretContext.serviceApp({ id: r.id as string, orgId: r.orgId as string }),
  },
  {
    label: "oauth_transactions",
    table: oauthTransactions,
    id: oauthTransactions.id,
    sealed: oauthTransactions.secretSealed,
    field: "secretSealed",
    select: { userId: oauthTransactions.userId, orgId: oauthTransactions.orgId, connectionId: oauthTransactions.connectionId },
    context: (r) =>
      secretContext.oauthTransaction({
        id: r.id as string,
        userId: r.userId as string,
        orgId: r.orgId as string,
        connectionId: r.connectionId as string,
      }),
  },
  {
    label: "webhooks",
    table: webhooks,
    id: webhooks.id,
    sealed: webhooks.secretSealed,
    field: "secretSealed",
    select: { orgId: webhooks.orgId },
    context: (r) => secretContext.webhook({ id: r.id as string, orgId: r.orgId as string }),
  },
];

export type RotationReport = Array<{ table: string; rewrapped: number; skipped: number }>;

/**
 * Re-wraps every stored data key to the ring's active key, table by table. Each row is
 * written with compare-and-swap, and rows already on the active key are skipped, so an
 * interrupted run is finished by running it again.
 */
export async function rotateStoredSecrets(
  db: Db,
  ring: KeyRing,
  opts: { batchSize?: number; onProgress?: (table: string, examined: number) => void } = {},
): Promise<RotationReport> {
  const report: RotationReport = [];
  for (const spec of sealedColumns) {
    const result = await rotateSecrets({
      ring,
      batchSize: opts.batchSize,
      onProgress: (n) => opts.onProgress?.(spec.label, n),
      nextBatch: async (afterId, limit) => {
        const rows = await db
          .select({ id: spec.id, sealed: spec.sealed, ...spec.select })
          .from(spec.table)
          .where(and(isNotNull(spec.sealed), afterId ? gt(spec.id, afterId) : undefined))
          .orderBy(asc(spec.id))
          .limit(limit);
        return rows.map((r) => ({ id: r.id as string, sealed: r.sealed as string, ctx: spec.context(r) }));
      },
      replace: async (id, expected, next) => {
        const updated = await db
          .update(spec.table)
          .set({ [spec.field]: next })
          .where(and(eq(spec.id, id), eq(spec.sealed, expected)))
          .returning({ id: spec.id });
        return updated.length === 1;
      },
    });
    report.push({ table: spec.label, ...result });
  }
  return report;
}
