import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { recordAudit } from "@/lib/audit/audit";
import type { Actor } from "@/lib/auth/users";
import { env } from "@/lib/env";
import { Forbidden, Invalid, NotFound } from "@/lib/errors";
import { checkOutboundUrl } from "@/lib/http/url-policy";
import { sealJson } from "@/lib/secrets";
import { createWebhookSchema, type CreateWebhookInput, type WebhookEventType } from "@/lib/validation/webhooks";
import { emitWebhookEvent } from "./emit";

/**
 * Settings → Webhooks (docs/product.md §10): admins of an organization add an
 * endpoint with the events it wants, see its signing secret once, send a test event, read
 * the delivery log and delete it. Every query is scoped to the admin's organization.
 */
export type WebhookDeliveryDto = {
  id: string;
  eventType: string;
  status: "pending" | "retrying" | "succeeded" | "failed";
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
};

export type WebhookDto = {
  id: string;
  url: string;
  events: WebhookEventType[];
  createdAt: string;
  deliveries: WebhookDeliveryDto[];
};

/** Deliveries shown per webhook, newest first. */
const LOG_SIZE = 20;

function assertAdmin(actor: Actor): void {
  if (actor.role !== "admin") throw new Forbidden("Only admins can manage webhooks");
}

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export async function createWebhook(
  db: Db,
  actor: Actor,
  input: CreateWebhookInput,
  options: { allowPrivateNetwork?: boolean } = {},
): Promise<{ webhook: WebhookDto; secret: string }> {
  assertAdmin(actor);
  const parsed = createWebhookSchema.safeParse(input);
  if (!parsed.success) throw new Invalid(parsed.error.issues[0]?.message ?? "Some fields need attention");
  const { url, events } = parsed.data;
  try {
    checkOutboundUrl(url, { allowPrivateNetwork: options.allowPrivateNetwork ?? env().CONNECTIONS_ALLOW_PRIVATE_NETWORK });
  } catch (error) {
    const message = error instanceof Error ? error.message : "This URL may not be called.";
    throw new Invalid(message, { url: [message] });
  }
  const id = randomUUID();
  const secret = newWebhookSecret();
  const [row] = await db
    .insert(webhooks)
    .values({
      id,
      orgId: actor.orgId,
      url,
      events: [...new Set(events)],
      secretSealed: sealJson("webhook", { id, orgId: actor.orgId }, secret),
      createdBy: actor.id,
    })
    .returning();
  await recordAudit(db, { orgId: actor.orgId, actorId: actor.id, action: "webhook.created", detail: { webhookId: id, url } });
  return { webhook: toDto(row, []), secret };
}

export async function listWebhooks(db: Db, actor: Actor): Promise<WebhookDto[]> {
  assertAdmin(actor);
  const rows = await db.select().from(webhooks).where(eq(webhooks.orgId, actor.orgId)).orderBy(desc(webhooks.createdAt));
  // Each webhook's own last LOG_SIZE deliveries (webhook_deliveries_webhook_idx), so a busy
  // webhook never pushes a quiet one's deliveries off the page.
  return Promise.all(
    rows.map(async (row) =>
      toDto(
        row,
        await db
          .select()
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.orgId, actor.orgId), eq(webhookDeliveries.webhookId, row.id)))
          .orderBy(desc(webhookDeliveries.createdAt))
          .limit(LOG_SIZE),
      ),
    ),
  );
}

async function loadWebhook(db: Db, actor: Actor, id: string) {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.orgId, actor.orgId)))
    .limit(1);
  if (!row) throw new NotFound("That webhook does not exist");
  return row;
}

export async function deleteWebhook(db: Db, actor: Actor, id: string): Promise<void> {
  assertAdmin(actor);
  const row = await loadWebhook(db, actor, id);
  await db.delete(webhooks).where(and(eq(webhooks.id, row.id), eq(webhooks.orgId, actor.orgId)));
  await recordAudit(db, {
    orgId: actor.orgId,
    actorId: actor.id,
    action: "webhook.deleted",
    detail: { webhookId: id, url: row.url },
  });
}

/** Queues a `webhook.test` event to this webhook only; returns the delivery's id. */
export async function sendTestEvent(db: Db, actor: Actor, id: string): Promise<string> {
  assertAdmin(actor);
  const row = await loadWebhook(db, actor, id);
  const [deliveryId] = await emitWebhookEvent(
    db,
    actor.orgId,
    "webhook.test",
    { webhookId: row.id, sentBy: actor.email },
    { webhookId: row.id },
  );
  if (!deliveryId) throw new Invalid("The test event could not be queued; try again.");
  return deliveryId;
}

function toDto(row: typeof webhooks.$inferSelect, deliveries: Array<typeof webhookDeliveries.$inferSelect>): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    createdAt: row.createdAt.toISOString(),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      eventType: d.eventType,
      status: d.status,
      attempts: d.attempts,
      lastStatus: d.lastStatus,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
    })),
  };
}
