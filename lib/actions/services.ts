"use server";

import { revalidatePath } from "next/cache";
import { action } from "./action";
import { createCustomService } from "@/lib/services/create-custom-service";
import { discoverServiceEndpoints } from "@/lib/services/discover-service-endpoints";
import { countServiceConnections } from "@/lib/services/get-custom-service-for-edit";
import { updateCustomService } from "@/lib/services/update-custom-service";
import { createServiceSchema, discoverEndpointsSchema, serviceIdSchema, updateServiceSchema } from "@/lib/validation/services";

export const createServiceAction = action(createServiceSchema, async (input, { actor, db }) => {
  const result = await createCustomService(db, actor, input);
  revalidatePath("/connections/new");
  revalidatePath("/services");
  return result;
});

export const updateServiceAction = action(updateServiceSchema, async (input, { actor, db }) => {
  const result = await updateCustomService(db, actor, input);
  revalidatePath("/connections");
  revalidatePath("/connections/new");
  revalidatePath("/services");
  return result;
});

/** Asked again right before saving, so the confirmation counts connections authorized since the page loaded. */
export const countServiceConnectionsAction = action(serviceIdSchema, async ({ id }, { actor, db }) => ({
  count: await countServiceConnections(db, actor, id),
}));

export const discoverEndpointsAction = action(discoverEndpointsSchema, async ({ issuer }) => discoverServiceEndpoints(issuer));
