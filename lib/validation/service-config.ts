import { z } from "zod";
import { grantTypeSchema, oauth2ParamTypeSchema, paramTypeSchema } from "./enums";
import type { CreateServiceValues } from "./services";

/**
 * The non-secret settings of a custom service as stored in services.config, and the one
 * pair of mappers between it and the editor (lib/validation/service-editor.ts). The client
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
    /** Client credentials: members may connect with this client, not only its creator (docs/product.md §5). */
    membersMayConnect: z.boolean().default(false),
  }),
]);
export type CustomServiceConfig = z.infer<typeof customServiceConfigSchema>;

/**
 * Validated editor input → what is stored: the config, the secret (absent: keep the stored
 * one), and the URLs the server must pass through the outbound policy, by field name.
 */
export function configFromServiceInput(input: CreateServiceValues): {
  config: CustomServiceConfig;
  secret?: string;
  urls: Record<string, string | undefined>;
} {
  const allowedHosts = input.allowedHosts;
  switch (input.authType) {
    case "api_key":
      return { config: { authType: "api_key", params: input.params, allowedHosts }, urls: {} };
    case "basic":
      return { config: { authType: "basic", allowedHosts }, urls: {} };
    case "oauth1":
      return {
        config: {
          authType: "oauth1",
          consumerKey: input.consumerKey,
          requestTokenUrl: input.requestTokenUrl,
          authorizeUrl: input.authorizeUrl,
          accessTokenUrl: input.accessTokenUrl,
          paramType: input.paramType,
          allowedHosts,
        },
        secret: input.consumerSecret,
        urls: { requestTokenUrl: input.requestTokenUrl, authorizeUrl: input.authorizeUrl, accessTokenUrl: input.accessTokenUrl },
      };
    case "oauth2": {
      // The client credentials grant never sends anyone to an authorize endpoint.
      const authorizeUrl = input.grantType === "client_credentials" ? undefined : input.authorizeUrl;
      return {
        config: {
          authType: "oauth2",
          grantType: input.grantType,
          clientId: input.clientId,
          authorizeUrl,
          tokenUrl: input.tokenUrl,
          refreshUrl: input.refreshUrl,
          revocationUrl: input.revocationUrl,
          issuer: input.issuer,
          paramType: input.paramType,
          scopes: input.scopes,
          allowedHosts,
          membersMayConnect: input.grantType === "client_credentials" && input.membersMayConnect,
        },
        secret: input.clientSecret,
        urls: {
          authorizeUrl,
          tokenUrl: input.tokenUrl,
          refreshUrl: input.refreshUrl,
          revocationUrl: input.revocationUrl,
          issuer: input.issuer,
        },
      };
    }
  }
}
