"use server";

import { revalidatePath } from "next/cache";
import { action } from "./action";
import { setServiceApp } from "@/lib/services/apps";
import { serviceAppSchema } from "@/lib/validation/service-apps";

export const setServiceAppAction = action(serviceAppSchema, async (input, { actor, db }) => {
  const app = await setServiceApp(db, actor, input);
  revalidatePath("/settings/oauth-apps");
  return { serviceLinkName: app.serviceLinkName };
});
