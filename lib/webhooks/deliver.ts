import "server-only";
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Db } from "@/db";
import { webhookDeliveries, webhooks } from "@/db/schema";
import { env } from "@/lib/env";
import { DomainError } from "@/lib/errors";
import { createGuardedFetch, type GuardedFetch } from "@/lib/http/guarded-fetch";
import { boundedFetch } from "@/lib/http/outbound";
import type { RetryPolicy } from "@/lib/jobs";
import { openJson } from "@/lib/secrets";

/**
 * One attempt at one webhook delivery (docs/architecture.md "Webhooks"), per the Standard
 * Webhooks specification: the JSON body `{ type, timestamp, data }`, the headers
 * `webhook-id` (the delivery's id, the same on every retry), `webhook-timestamp` (this
 * attempt, seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of
 * `id.timestamp.body` with the webhook's secret, by the `standardwebhooks` package). The
 * request goes through the SSRF guard; redirects are not followed. A 2xx answer is success;
 * anything else throws, and the job runner retries with backoff until the policy gives up.
 */
export const DELIVERY_RETRY: RetryPolicy = { limit: 5, delaySeconds: 10 };
/** Attempts in all: the first and the retries. */
export const MAX_ATTEMPTS = DELIVERY_RETRY.limit + 1;
const TIMEOUT_MS = 10_000;
/** What a receiver's answer may weigh: we read it only to free the connection. */
const MAX_ANSWER_BYTES = 64 * 1024;

export class DeliveryFailed extends Error {}

export type DeliverOptions = {
  /** The SSRF policy; default CONNECTIONS_ALLOW_PRIVATE_NETWORK. */
  allowPrivateNetwork?: boolean;
  /** Attempts after which a failure is final; default MAX_ATTEMPTS (the job's retry policy). */
  maxAttempts?: number;
};

const fetchers = new Map<boolean, GuardedFetch>();
function guarded(allowPrivateNetwork: boolean): GuardedFetch {
  let f = fetchers.get(allowPrivateNetwork);
  if (!f) fetchers.set(allowPrivateNetwork, (f = createGuardedFetch({ allowPrivateNetwork })));
  return f;
}

/** The job function: `(db, { deliveryId })`. */
export async function deliverWebhookJob(db: Db, payload: Record<string, unknown>): Promise<void> {
  if (typeof payload.deliveryId !== "string") return;
  await deliverWebhook(db, payload.deliveryId);
}

export async function deliverWebhook(db: Db, deliveryId: string, options: DeliverOptions = {}): Promise<void> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, webhook: webhooks })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .limit(1);
  // Deleted with its webhook, or already settled (a duplicate run): nothing to do.
  if (!row || row.delivery.status === "succeeded" || row.delivery.status === "failed") return;
  const { delivery, webhook } = row;
  const allowPrivateNetwork = options.allowPrivateNetwork ?? env().CONNECTIONS_ALLOW_PRIVATE_NETWORK;
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;

  const secret = openJson<string>("webhook", webhook, webhook.secretSealed);
  const body = JSON.stringify(delivery.payload);
  const at = new Date();
  const signature = new Webhook(secret).sign(delivery.id, at, body);

  let status: number | null = null;
  let error: string | null = null;
  try {
    const send = boundedFetch(guarded(allowPrivateNetwork), { maxBytes: MAX_ANSWER_BYTES, timeoutMs: TIMEOUT_MS });
    const response = await send(webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Connections-Webhooks/1",
        "webhook-id": delivery.id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
    });
    status = response.status;
    await response.arrayBuffer().catch(() => undefined);
    if (status < 200 || status >= 300) error = `The endpoint answered ${status}.`;
  } catch (failure) {
    error =
      failure instanceof DomainError || failure instanceof Error
        ? failure.message.slice(0, 300)
        : "The endpoint could not be reached.";
  }

  const attempts = delivery.attempts + 1;
  const settled = error === null ? "succeeded" : attempts >= maxAttempts ? "failed" : "retrying";
  await db
    .update(webhookDeliveries)
    .set({ status: settled, attempts, lastStatus: status, lastError: error, lastAttemptAt: at })
    .where(and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.attempts, delivery.attempts)));
  // Throwing hands the retry to the job runner (backoff); a final failure is recorded and not retried.
  if (settled === "retrying") throw new DeliveryFailed(`Delivery ${delivery.id}: ${error}`);
}
