"use server";

import { revalidatePath } from "next/cache";
import { action } from "./action";
import { connectClientCredentials } from "@/lib/connections/connect-client-credentials";
import { createConnection } from "@/lib/connections/create-connection";
import { deleteConnection } from "@/lib/connections/delete-connection";
import { revokeConnection } from "@/lib/connections/revoke-connection";
import { saveKeyCredential } from "@/lib/connections/save-key-credential";
import { updateConnection } from "@/lib/connections/update-connection";
import { connectKindOf } from "@/lib/services/definition";
import {
  connectionIdSchema,
  createConnectionSchema,
  keyCredentialSchema,
  updateConnectionSchema,
} from "@/lib/validation/connections";

export const createConnectionAction = action(createConnectionSchema, async (input, { actor, db }) => {
  const { id, service } = await createConnection(db, actor, input);
  revalidatePath("/connections");
  return { id, next: connectKindOf(service) };
});

export const updateConnectionAction = action(updateConnectionSchema, async (input, { actor, db }) => {
  const result = await updateConnection(db, actor, input);
  revalidatePath("/connections");
  revalidatePath(`/connections/${input.id}`);
  return result;
});

export const revokeConnectionAction = action(connectionIdSchema, async ({ id }, { actor, db }) => {
  const result = await revokeConnection(db, actor, id);
  revalidatePath("/connections");
  revalidatePath(`/connections/${id}`);
  return result;
});

export const deleteConnectionAction = action(connectionIdSchema, async ({ id }, { actor, db }) => {
  await deleteConnection(db, actor, id);
  revalidatePath("/connections");
  return { id };
});

export const saveKeyCredentialAction = action(keyCredentialSchema, async (input, { actor, db }) => {
  await saveKeyCredential(db, actor, input);
  revalidatePath("/connections");
  revalidatePath(`/connections/${input.id}`);
  return { id: input.id };
});

export const connectClientCredentialsAction = action(connectionIdSchema, async ({ id }, { actor, db }) => {
  await connectClientCredentials(db, actor, id);
  revalidatePath("/connections");
  revalidatePath(`/connections/${id}`);
  return { id };
});
