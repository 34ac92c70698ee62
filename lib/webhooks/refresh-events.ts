import "server-only";
import type { Db } from "@/db";
import { onRefresh } from "@/lib/observe/events";
import { emitWebhookEvent } from "./emit";

/**
 * Turns token renewals into webhook events (docs/architecture.md "Webhooks"): a refusal
 * for good → `connection.needs_reauth`, any other failure → `credential.refresh_failed`.
 * Subscribed once at start; returns the unsubscribe function.
 */
export function subscribeRefreshWebhooks(db: Db): () => void {
  return onRefresh((event) => {
    if (event.outcome === "refreshed") return;
    const data = {
      connectionId: event.connectionId,
      service: event.service,
      userId: event.userId,
      providerError: event.providerError,
    };
    void emitWebhookEvent(
      db,
      event.orgId,
      event.outcome === "needs_reauth" ? "connection.needs_reauth" : "credential.refresh_failed",
      data,
    );
  });
}
