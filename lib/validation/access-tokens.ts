import { z } from "zod";

/** "Expires": a personal access token lives this many days, or forever (null). */
export const tokenLifetimes = [30, 90, 365, null] as const;
export type TokenLifetime = (typeof tokenLifetimes)[number];
export const tokenLifetimeLabels: Record<string, string> = {
  "30": "30 days",
  "90": "90 days",
  "365": "365 days",
  never: "Never",
};

export const createAccessTokenSchema = z.object({
  name: z.string().trim().min(1, "Token name is required").max(60, "Token name can contain up to 60 characters"),
  expiresInDays: z
    .union([z.literal(30), z.literal(90), z.literal(365), z.null()], { error: "Choose 30, 90 or 365 days, or never" })
    .default(90),
  /** Empty: every connection the user may call. */
  connectionIds: z.array(z.uuid()).max(100, "A token can be restricted to at most 100 connections").default([]),
});
export type CreateAccessTokenInput = z.input<typeof createAccessTokenSchema>;
export const revokeAccessTokenSchema = z.object({ id: z.uuid() });
