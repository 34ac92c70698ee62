import { z } from "zod";

/** The events a webhook can subscribe to (docs/product.md §10). */
export const WEBHOOK_EVENTS = [
  "connection.created",
  "connection.revoked",
  "connection.deleted",
  "connection.needs_reauth",
  "credential.refresh_failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const webhookEventLabels: Record<WebhookEventType, string> = {
  "connection.created": "A connection is created",
  "connection.revoked": "A connection's credential is revoked",
  "connection.deleted": "A connection is deleted",
  "connection.needs_reauth": "A credential needs re-authentication",
  "credential.refresh_failed": "A token refresh fails",
};

export const createWebhookSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Endpoint URL is required")
    .max(2000, "Endpoint URL can contain up to 2000 characters")
    .refine((v) => URL.canParse(v), "Enter an absolute URL like https://example.com/hooks"),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "Choose at least one event"),
});
export type CreateWebhookInput = z.input<typeof createWebhookSchema>;

export const webhookIdSchema = z.object({ id: z.uuid() });
