"use server";

import { revalidatePath } from "next/cache";
import { action } from "./action";
import { createWebhook, deleteWebhook, sendTestEvent } from "@/lib/webhooks/manage-webhooks";
import { createWebhookSchema, webhookIdSchema } from "@/lib/validation/webhooks";

export const createWebhookAction = action(createWebhookSchema, async (input, { actor, db }) => {
  const { webhook, secret } = await createWebhook(db, actor, input);
  revalidatePath("/settings/webhooks");
  return { id: webhook.id, secret };
});

export const sendTestEventAction = action(webhookIdSchema, async ({ id }, { actor, db }) => {
  const deliveryId = await sendTestEvent(db, actor, id);
  revalidatePath("/settings/webhooks");
  return { deliveryId };
});

export const deleteWebhookAction = action(webhookIdSchema, async ({ id }, { actor, db }) => {
  await deleteWebhook(db, actor, id);
  revalidatePath("/settings/webhooks");
  return { id };
});
