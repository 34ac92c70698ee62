import { z } from "zod";
import { oauth2ParamTypeSchema, paramTypeSchema, grantTypeSchema } from "@/lib/validation/enums";

/**
 * The non-secret settings of a custom service as stored in services.config. The client
 * or consumer secret lives sealed in services.secret_sealed, never here.
 */
export const apiKeyParamConfigSchema = z.object({
  name: z.string(),
  displayName: z.string(),
  paramType: paramTypeSchema,
});

export const customServiceConfigSchema = z.discriminatedUnion("authType", [
  z.object({
    authType: z.literal("api_key"),
    params: z.array(apiKeyParamConfigSchema).min(1),
    allowedHosts: z.array(z.string()).default([]),
  }),
  z.object({ authType: z.literal("basic"), allowedHosts: z.array(z.string()).default([]) }),
  z.object({
    authType: z.literal("oauth1"),
    consumerKey: z.string(),
    requestTokenUrl: z.string(),
    authorizeUrl: z.string(),
    accessTokenUrl: z.string(),
    paramType: paramTypeSchema,
    allowedHosts: z.array(z.string()).default([]),
  }),
  z.object({
    authType: z.literal("oauth2"),
    grantType: grantTypeSchema,
    clientId: z.string(),
    authorizeUrl: z.string().optional(),
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    revocationUrl: z.string().optional(),
    issuer: z.string().optional(),
    paramType: oauth2ParamTypeSchema,
    scopes: z.array(z.string()).default([]),
    allowedHosts: z.array(z.string()).default([]),
  }),
]);
export type CustomServiceConfig = z.infer<typeof customServiceConfigSchema>;
