import { z } from "zod";
import { scopeDelimiterSchema } from "./enums";
import { displayNameSchema, linkNameSchema } from "./names";

/** "Who can use it" (docs/product.md §5): "Only me" or "Everyone in my organization". */
export const connectionAccessValues = ["owner", "organization"] as const;
export const connectionAccessSchema = z.enum(connectionAccessValues, { error: "Choose who can use the connection" });
export type ConnectionAccess = z.infer<typeof connectionAccessSchema>;
export const connectionAccessLabels: Record<ConnectionAccess, string> = {
  owner: "Only me",
  organization: "Everyone in my organization",
};

const scopeSchema = z
  .string()
  .trim()
  .min(1, "A scope cannot be empty")
  .max(300, "A scope can contain up to 300 characters")
  .regex(/^[^\s,+]+$/, "A scope cannot contain spaces, commas or plus signs: those separate scopes");

export const serviceRefSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("catalog"), linkName: z.string().min(1) }),
  z.object({ kind: z.literal("custom"), id: z.uuid() }),
]);

/** "Connection Details" → "Create and Connect". */
export const createConnectionSchema = z.object({
  service: serviceRefSchema,
  name: displayNameSchema,
  linkName: linkNameSchema,
  scopes: z.array(scopeSchema).max(100, "At most 100 scopes").default([]),
  scopeDelimiter: scopeDelimiterSchema.default("comma"),
  useLoginUserCredentials: z.boolean().default(false),
  access: connectionAccessSchema.default("owner"),
});
export type CreateConnectionInput = z.input<typeof createConnectionSchema>;

/** Edit: the display name and the scopes; the link name never changes (scripts refer to it). */
export const updateConnectionSchema = z.object({
  id: z.uuid(),
  name: displayNameSchema,
  scopes: z.array(scopeSchema).max(100, "At most 100 scopes").default([]),
  scopeDelimiter: scopeDelimiterSchema.optional(),
  access: connectionAccessSchema.optional(),
});
export type UpdateConnectionInput = z.input<typeof updateConnectionSchema>;

export const connectionIdSchema = z.object({ id: z.uuid() });

/** "User Permissions" for API key (values by parameter name) and Basic (username, password). */
export const keyCredentialSchema = z.object({
  id: z.uuid(),
  /** The service's version the form was shown for: an edit since then refuses the values (docs/product.md §6). */
  serviceVersion: z.number().int().min(0),
  values: z.record(z.string(), z.string().max(10_000, "A value can contain up to 10,000 characters")),
});
export type KeyCredentialInput = z.input<typeof keyCredentialSchema>;

/** A credential's health as lists show it (docs/product.md §10); "not_connected" when the user has none. */
export const connectionHealths = ["connected", "expires_soon", "needs_reauth", "failing", "revoked", "not_connected"] as const;
export type ConnectionHealth = (typeof connectionHealths)[number];

export const connectionHealthLabels: Record<ConnectionHealth, string> = {
  connected: "Connected",
  expires_soon: "Expires soon",
  needs_reauth: "Needs re-authentication",
  failing: "Failing",
  revoked: "Revoked",
  not_connected: "Not connected",
};

export const listSortColumns = ["name", "linkName", "status", "lastUsedAt", "createdAt"] as const;
export const listQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(5).max(100).default(20),
  sort: z.enum(listSortColumns).default("createdAt"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  q: z.string().trim().max(100).default(""),
  /** Only rows of this health; absent: every row. */
  health: z.enum(connectionHealths).optional(),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
