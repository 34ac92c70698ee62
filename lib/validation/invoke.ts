import { z } from "zod";
import { linkNameSchema } from "@/lib/validation/names";

/*
 * The public shape of an invoke call (docs/product.md §7). No server imports here: the REST
 * route, the OpenAPI document and the SDK all use these schemas.
 */

export const invokeMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const invokeMethodSchema = z.enum(invokeMethods, {
  error: "method must be one of GET, POST, PUT, PATCH, DELETE",
});
export type InvokeMethod = z.infer<typeof invokeMethodSchema>;

/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headersSchema = z
  .record(z.string(), z.string({ error: "headers values must be strings" }), {
    error: "headers must be an object of string values",
  })
  .superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `The header name "${name.slice(0, 60)}" is not a valid HTTP header name`,
        });
      } else if (/[\r\n\0]/.test(value)) {
        ctx.addIssue({ code: "custom", path: [name], message: `The header "${name}" must not contain line breaks` });
      }
    }
  });

const parameterValueSchema = z.union([z.string(), z.number(), z.boolean()], {
  error: "parameters values must be strings, numbers or booleans",
});

export const invokeRequestSchema = z.object({
  /** The connection's link name ("Connection Link Name"). */
  connection: linkNameSchema,
  /** Absolute http(s) URL; its host must be one the connection's service allows. */
  url: z
    .string({ error: "url is required" })
    .min(1, "url is required")
    .max(8192, "url can contain up to 8192 characters")
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "url must be an absolute URL such as https://api.example.com/v1/items" });
        return;
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        ctx.addIssue({ code: "custom", message: "url must start with https:// (or http://)" });
      }
    }),
  method: invokeMethodSchema.default("GET"),
  /**
   * Deluge `invokeurl` rules: to the query string for GET and DELETE; to a form body for
   * POST, PUT and PATCH unless `body` is given, then to the query string. A string is
   * taken as already encoded (`a=1&b=2`) for the query, or sent as the body as is.
   */
  parameters: z.union([z.record(z.string(), parameterValueSchema), z.string()]).optional(),
  headers: headersSchema.optional(),
  /** Sent as the request body as is (POST, PUT, PATCH, DELETE). */
  body: z.string({ error: "body must be a string" }).optional(),
  /** true: answer `{ responseCode, responseHeader, responseText }` instead of the upstream response. */
  detailed: z.boolean({ error: "detailed must be true or false" }).optional(),
});

export type InvokeRequestInput = z.input<typeof invokeRequestSchema>;
export type InvokeRequest = z.output<typeof invokeRequestSchema>;

export const invokeDetailedResponseSchema = z.object({
  /** The upstream HTTP status. */
  responseCode: z.number().int(),
  /** Upstream headers, lower-cased names; repeated headers joined with ", ". */
  responseHeader: z.record(z.string(), z.string()),
  /** The upstream body as UTF-8 text (content encoding undone). */
  responseText: z.string(),
});
export type InvokeDetailedResponse = z.infer<typeof invokeDetailedResponseSchema>;

/** `{ error: { code, message } }`: every error of the invoke API. */
export const invokeErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
