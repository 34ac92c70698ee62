import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { enqueueJob } from "@/lib/jobs";
import { failureMessage } from "@/lib/observe/logger";
import type { WebhookEventType } from "@/lib/validation/webhooks";

/** The job that delivers one webhook delivery (lib/webhooks/deliver.ts). */
export const DELIVER_JOB = "webhooks.deliver";

/**
 * The Standard Webhooks payload of one event: `{ type, timestamp, data }`. `data` names
 * things (ids, link names, the service, the provider's error code), never a secret.
 */
export type WebhookPayload = { type: string; timestamp: string; data: Record<string, unknown> };

/**
 * Records one delivery per webhook of the organization that wants `type`, and queues each
 * (docs/architecture.md "Webhooks"). The one call sites make; it never throws into them: a
 * webhook problem must not fail the action that caused the event.
 */
export async function emitWebhookEvent(
  db: Db,
  orgId: string,
  type: WebhookEventType | "webhook.test",
  data: Record<string, unknown>,
  only?: { webhookId: string },
): Promise<string[]> {
  try {
    const targets = await db
      .select({ id: webhooks.id })
      .from(webhooks)
      .where(
        and(
          eq(webhooks.orgId, orgId),
          only ? eq(webhooks.id, only.webhookId) : sql`${webhooks.events} @> ${JSON.stringify([type])}::jsonb`,
        ),
      );
    if (targets.length === 0) return [];
    const payload: WebhookPayload = { type, timestamp: new Date().toISOString(), data };
    const rows = await db
      .insert(webhookDeliveries)
      .values(targets.map((t) => ({ orgId, webhookId: t.id, eventType: type, payload })))
      .returning({ id: webhookDeliveries.id });
    for (const row of rows) await enqueueJob(DELIVER_JOB, { deliveryId: row.id });
    return rows.map((r) => r.id);
  } catch (error) {
    console.error(`[connections] webhook event ${type} not recorded: ${failureMessage(error)}`);
    return [];
  }
}

/**
 * Queues again the deliveries that are neither delivered nor given up (pending, retrying):
 * the in-process scheduler keeps its retries in memory, so a restart on PGlite would
 * otherwise strand them. pg-boss keeps its queue in Postgres and needs none of this.
 */
export async function resumeUnfinishedDeliveries(db: Db): Promise<number> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(inArray(webhookDeliveries.status, ["pending", "retrying"]));
  for (const row of rows) await enqueueJob(DELIVER_JOB, { deliveryId: row.id });
  return rows.length;
}
