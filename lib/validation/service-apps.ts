import { z } from "zod";

/** An admin's OAuth client for a default service. The secret is write-only: blank keeps the stored one. */
export const serviceAppSchema = z.object({
  serviceLinkName: z.string().min(1),
  clientId: z.string().trim().min(1, "Client ID is required").max(500, "Client ID can contain up to 500 characters"),
  clientSecret: z.string().max(2000, "Client Secret can contain up to 2000 characters").default(""),
  /** Client credentials apps: members may connect with the organization's client (docs/product.md §5). */
  membersMayConnect: z.boolean().default(false),
});
export type ServiceAppInput = z.input<typeof serviceAppSchema>;
