import { z } from "zod";
import { hostPatternProblem } from "@/lib/validation/hosts";
import { authTypeSchema, grantTypeSchema, oauth2ParamTypeSchema, paramTypeSchema } from "./enums";
import { displayNameSchema, linkNameSchema } from "./names";

// The custom service editor (docs/product.md §6), shared by the form and the server action: no
// server imports here. The server adds what a browser cannot check: the SSRF policy on
// every URL, link-name uniqueness, and the edit rules of the §6 table.

export const MAX_API_KEY_PARAMS = 20;
export const MAX_SCOPES = 100;
export const MAX_ALLOWED_HOSTS = 20;

export const serviceEditMessages = {
  authType: "Authentication Type cannot be changed after the service is created",
  linkName: "Service LinkName cannot be changed: scripts refer to it",
  grantType: "Grant Type cannot be changed after the service is created",
  paramsDeleted: "API key parameters cannot be deleted",
  scopesChanged: "OAuth 2 scopes can be added but not edited or deleted",
} as const;

/** A blank input ("" or only spaces) means "not given". */
function blankToUndefined(value: unknown): unknown {
  return typeof value === "string" && value.trim() === "" ? undefined : value;
}

/** An absolute http(s) URL; whether plain http or a private host is allowed is the server's call. */
export const serviceUrlSchema = z
  .string()
  .trim()
  .max(2000, "A URL can contain up to 2,000 characters")
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" || url.protocol === "http:";
    } catch {
      return false;
    }
  }, "Enter an absolute URL that starts with https://");

const requiredUrl = (label: string) =>
  z.preprocess(blankToUndefined, z.string({ error: `${label} is required` }).pipe(serviceUrlSchema));
const optionalUrl = z.preprocess(blankToUndefined, serviceUrlSchema.optional());

const requiredText = (label: string, max = 500) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ error: `${label} is required` })
      .trim()
      .max(max, `${label} can contain up to ${max} characters`),
  );

/** Client or consumer secret: write-only. Required on create; on update blank keeps the stored one. */
const secretSchema = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .min(1, `${label} is required`)
    .max(2000, `${label} can contain up to 2,000 characters`);
const optionalSecret = (label: string) => z.preprocess(blankToUndefined, secretSchema(label).optional());

/** "Actual Parameter": the name sent on the wire, a plain token (RFC 9110 §5.6.2), no spaces. */
export const apiKeyParamNameSchema = z
  .string({ error: "Actual Parameter is required" })
  .trim()
  .min(1, "Actual Parameter is required")
  .max(100, "Actual Parameter can contain up to 100 characters")
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "Actual Parameter can contain only letters, digits and - _ . ~ (no spaces)");

export const apiKeyParamSchema = z.object({
  name: apiKeyParamNameSchema,
  displayName: z
    .string({ error: "Parameter Display Name is required" })
    .trim()
    .min(1, "Parameter Display Name is required")
    .max(100, "Parameter Display Name can contain up to 100 characters"),
  paramType: paramTypeSchema,
});
export type ApiKeyParamInput = z.input<typeof apiKeyParamSchema>;

const apiKeyParamsSchema = z
  .array(apiKeyParamSchema)
  .min(1, "Add at least one parameter")
  .max(MAX_API_KEY_PARAMS, `At most ${MAX_API_KEY_PARAMS} parameters`)
  .superRefine((params, ctx) => {
    const seen = new Set<string>();
    params.forEach((p, i) => {
      const key = `${p.paramType}:${p.name.toLowerCase()}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `The parameter "${p.name}" is listed twice` });
      }
      seen.add(key);
    });
  });

/** One OAuth 2 scope: no separators inside (they join scopes in the authorize request). */
export const serviceScopeSchema = z
  .string()
  .trim()
  .min(1, "A scope cannot be empty")
  .max(300, "A scope can contain up to 300 characters")
  .regex(/^[^\s,+]+$/, "A scope cannot contain spaces, commas or plus signs: those separate scopes");

const scopesSchema = z
  .array(serviceScopeSchema)
  .max(MAX_SCOPES, `At most ${MAX_SCOPES} scopes`)
  .transform((scopes) => [...new Set(scopes)])
  .default([]);

/**
 * What a user pastes as a host, as a host: "https://API.example.com:8443/v1" and
 * "127.0.0.1:4567" mean "api.example.com" and "127.0.0.1" (credentials go to a host, on any
 * port; the URL policy decides the scheme). Anything else is left for the pattern check.
 */
export function hostOfEntry(entry: string): string {
  let host = entry.trim().toLowerCase();
  if (host.includes("://")) {
    try {
      host = new URL(host).hostname;
    } catch {
      return host;
    }
  }
  host = host.replace(/\/.*$/, ""); // a path after the host
  host = host.startsWith("[") ? host.replace(/^(\[[^\]]*\]):\d+$/, "$1") : host.replace(/:\d+$/, ""); // a port
  return host.replace(/\.$/, "");
}

/** "Allowed hosts": where credentials may be sent besides the hosts of the service's own URLs. */
export const allowedHostsSchema = z
  .array(
    z
      .string()
      .transform(hostOfEntry)
      .superRefine((host, ctx) => {
        const problem = hostPatternProblem(host);
        if (problem) ctx.addIssue({ code: "custom", message: `Allowed host "${host}" ${problem}` });
      }),
  )
  .max(MAX_ALLOWED_HOSTS, `At most ${MAX_ALLOWED_HOSTS} allowed hosts`)
  .default([]);

/** Splits what a user typed in a list field (spaces, commas or new lines) into entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const names = { name: displayNameSchema, linkName: linkNameSchema, allowedHosts: allowedHostsSchema };

function oauth2Fields(secret: z.ZodType<string | undefined>) {
  return {
    authType: z.literal("oauth2"),
    grantType: grantTypeSchema,
    clientId: requiredText("Client Id"),
    clientSecret: secret,
    authorizeUrl: optionalUrl,
    tokenUrl: requiredUrl("Access Token URL"),
    refreshUrl: optionalUrl,
    revocationUrl: optionalUrl,
    issuer: optionalUrl,
    paramType: oauth2ParamTypeSchema,
    scopes: scopesSchema,
    membersMayConnect: z.boolean().default(false),
  };
}

function oauth1Fields(secret: z.ZodType<string | undefined>) {
  return {
    authType: z.literal("oauth1"),
    consumerKey: requiredText("Consumer Key"),
    consumerSecret: secret,
    requestTokenUrl: requiredUrl("Request Token URL"),
    authorizeUrl: requiredUrl("Authorize URL"),
    accessTokenUrl: requiredUrl("Access Token URL"),
    paramType: paramTypeSchema,
  };
}

/** The authorization code grant sends the user to the Authorize URL, so it needs one. */
function requireAuthorizeUrl(input: { authType: string; grantType?: string; authorizeUrl?: string }, ctx: z.RefinementCtx): void {
  if (input.authType === "oauth2" && input.grantType === "authorization_code" && !input.authorizeUrl) {
    ctx.addIssue({
      code: "custom",
      path: ["authorizeUrl"],
      message: "Authorize URL is required for the Authorization Code grant",
    });
  }
}

/** API Key and Basic services have no URLs to take hosts from: without a host, no call could use them. */
function requireHostsWithoutUrls(input: { authType: string; allowedHosts?: string[] }, ctx: z.RefinementCtx): void {
  if ((input.authType === "api_key" || input.authType === "basic") && !input.allowedHosts?.length) {
    ctx.addIssue({
      code: "custom",
      path: ["allowedHosts"],
      message: "List the host(s) of the service's API (e.g. api.example.com): credentials are only sent there",
    });
  }
}

/** "Create Your Own" → "Create Service". */
export const createServiceSchema = z
  .discriminatedUnion("authType", [
    z.object({ ...names, authType: z.literal("api_key"), params: apiKeyParamsSchema }),
    z.object({ ...names, authType: z.literal("basic") }),
    z.object({ ...names, ...oauth1Fields(secretSchema("Consumer Secret")) }),
    z.object({ ...names, ...oauth2Fields(secretSchema("Client Secret")) }),
  ])
  .superRefine(requireAuthorizeUrl)
  .superRefine(requireHostsWithoutUrls);
export type CreateServiceInput = z.input<typeof createServiceSchema>;
export type CreateServiceValues = z.output<typeof createServiceSchema>;

/**
 * Edit: the same fields by type, secrets optional (blank keeps the stored one). The
 * authentication type selects the shape; it, the link name and the grant type may be
 * sent but must equal the stored values (the server refuses a change, docs/product.md §6).
 * API key parameters are matched by position: existing ones first, new ones after.
 */
export const updateServiceSchema = z
  .discriminatedUnion("authType", [
    z.object({
      id: z.uuid(),
      ...names,
      linkName: linkNameSchema.optional(),
      authType: z.literal("api_key"),
      params: apiKeyParamsSchema,
    }),
    z.object({ id: z.uuid(), ...names, linkName: linkNameSchema.optional(), authType: z.literal("basic") }),
    z.object({
      id: z.uuid(),
      ...names,
      linkName: linkNameSchema.optional(),
      ...oauth1Fields(optionalSecret("Consumer Secret")),
    }),
    z.object({
      id: z.uuid(),
      ...names,
      linkName: linkNameSchema.optional(),
      ...oauth2Fields(optionalSecret("Client Secret")),
      grantType: grantTypeSchema.optional(),
    }),
  ])
  .superRefine(requireAuthorizeUrl)
  .superRefine(requireHostsWithoutUrls);
export type UpdateServiceInput = z.input<typeof updateServiceSchema>;
export type UpdateServiceValues = z.output<typeof updateServiceSchema>;

export const serviceIdSchema = z.object({ id: z.uuid() });

/** "Discover endpoints": RFC 8414 / OpenID Connect discovery from an issuer URL. */
export const discoverEndpointsSchema = z.object({
  issuer: z.preprocess(blankToUndefined, z.string({ error: "Issuer URL is required" }).pipe(serviceUrlSchema)),
});

/** Every auth type's label order in the "Authentication Type" select. */
export const editorAuthTypes = authTypeSchema.options;
