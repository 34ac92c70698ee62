import { z } from "zod";
import { invokeDetailedResponseSchema, invokeErrorSchema, invokeRequestSchema } from "@/lib/validation/invoke";
import { LINK_NAME_MAX, linkNamePattern } from "@/lib/validation/names";

/*
 * The OpenAPI 3.1 document of the public API (issue 5 "Surfaces"), generated from the zod
 * schemas that validate it (lib/validation/invoke.ts). Pure: no server imports, no environment.
 * OpenAPI 3.1 schema objects are JSON Schema draft 2020-12, which is what zod emits.
 */

export const OPENAPI_VERSION = "3.1.0";
/** Header our own error answers carry, so that clients tell them from upstream answers. */
export const CONNECTIONS_ERROR_HEADER = "x-connections-error";

type JsonSchema = Record<string, unknown>;

export type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, Record<string, unknown>>;
    responses: Record<string, Record<string, unknown>>;
    headers: Record<string, Record<string, unknown>>;
  };
};

/**
 * Descriptions of the request fields. Kept next to the generator rather than in the zod
 * schema; the test checks that every key here is a field of invokeRequestSchema.
 */
export const invokeRequestFieldDescriptions: Record<string, string> = {
  connection: 'The connection\'s link name ("Connection Link Name"), e.g. `zoho_crm`.',
  url: "Absolute http(s) URL of the API to call. Its host must be one that the connection's service allows; the credential is only ever sent there.",
  method: "HTTP method of the call.",
  parameters:
    "Deluge `invokeurl` rules: sent in the query string for GET and DELETE; for POST, PUT and PATCH sent as a form body (`application/x-www-form-urlencoded`), or in the query string when `body` is given. A string is taken as already encoded (`a=1&b=2`) for the query string, or sent as the body as is.",
  headers: "Request headers for the API. They cannot override the authentication that the connection injects.",
  body: "Sent as the request body as is (POST, PUT, PATCH, DELETE). When given, `parameters` go to the query string.",
  detailed:
    "true: answer `200` with `{ responseCode, responseHeader, responseText }` describing the upstream response, whatever its status, instead of the upstream response itself.",
};

const INVOKE_DESCRIPTION = [
  "Calls an HTTP API through a connection: names the connection by its link name, and the app adds the connection's credential (API key, Basic, OAuth 1 signature or OAuth 2 bearer token, refreshed when needed) and performs the request. Mirrors Deluge `invokeurl`.",
  "",
  "**Parameters rule.** `parameters` go to the query string for `GET` and `DELETE`, and to a form body (`application/x-www-form-urlencoded`) for `POST`, `PUT` and `PATCH` unless `body` is given; then they go to the query string and `body` is sent as is. A `parameters` string is taken as already encoded.",
  "",
  "**Responses.** Without `detailed`, the upstream response is returned unchanged (status, headers, body), whatever its status: an upstream error is never hidden. With `detailed: true`, the answer is `200` JSON `{ responseCode, responseHeader, responseText }`.",
  "",
  `The app's own errors are JSON \`{ error: { code, message } }\` with a fitting status and the header \`${CONNECTIONS_ERROR_HEADER}: 1\`; a response without that header comes from the upstream API.`,
  "",
  'Every call is bounded by a timeout and a response size cap, and is recorded as the connection\'s "last used".',
].join("\n");

/** zod → JSON Schema 2020-12, without the `$schema` key (the document's dialect applies). */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "throw",
  }) as JsonSchema;
  return rest;
}

function invokeRequestJsonSchema(): JsonSchema {
  const schema = jsonSchemaOf(invokeRequestSchema, "input");
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  for (const [name, description] of Object.entries(invokeRequestFieldDescriptions)) {
    if (properties[name]) properties[name] = { ...properties[name], description };
  }
  // Refinements do not survive the conversion; state the rules they check.
  if (properties.connection) {
    properties.connection = { ...properties.connection, pattern: linkNamePattern.source, maxLength: LINK_NAME_MAX };
  }
  if (properties.url) properties.url = { ...properties.url, format: "uri", examples: ["https://api.example.com/v1/items"] };
  return {
    ...schema,
    properties,
    description: "An HTTP request to perform through a connection (docs/product.md §7).",
    examples: [
      { connection: "example_api", url: "https://api.example.com/v1/items", method: "GET", parameters: { page: 1 } },
      {
        connection: "example_api",
        url: "https://api.example.com/v1/items",
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"name":"Widget"}',
        detailed: true,
      },
    ],
  };
}

function errorResponse(description: string, codes: string[]): Record<string, unknown> {
  return {
    description: `${description} Codes: ${codes.map((c) => `\`${c}\``).join(", ")}. (An upstream response with this status is passed on unchanged, without the \`${CONNECTIONS_ERROR_HEADER}\` header.)`,
    headers: { [CONNECTIONS_ERROR_HEADER]: { $ref: "#/components/headers/ConnectionsError" } },
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

/** The OpenAPI 3.1 document of the public API, with `baseUrl` as its server. */
export function buildOpenApiDocument(baseUrl: string): OpenApiDocument {
  const server = baseUrl.replace(/\/+$/, "");
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: "Connections API",
      version: "1",
      description:
        "Call third-party APIs through connections by link name: the app adds the credential. Authenticate with a personal access token (`Authorization: Bearer cxn_…`, created in Settings) or a signed-in browser session.",
    },
    servers: [{ url: server }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    tags: [{ name: "invoke", description: "Call an API through a connection" }],
    paths: {
      "/api/v1/invoke": {
        post: {
          operationId: "invoke",
          tags: ["invoke"],
          summary: "Call an API through a connection",
          description: INVOKE_DESCRIPTION,
          security: [{ bearerAuth: [] }, { sessionCookie: [] }],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/InvokeRequest" } } },
          },
          responses: {
            "200": {
              description:
                "With `detailed: true`: the upstream exchange as JSON, whatever the upstream status. Otherwise: the upstream response, unchanged (any content type).",
              content: {
                "application/json": {
                  schema: { anyOf: [{ $ref: "#/components/schemas/InvokeDetailedResponse" }, {}] },
                },
                "*/*": { schema: {} },
              },
            },
            "400": { $ref: "#/components/responses/BadRequest" },
            "401": { $ref: "#/components/responses/Unauthenticated" },
            "403": { $ref: "#/components/responses/NotAuthorizedByYou" },
            "404": { $ref: "#/components/responses/NotFound" },
            "409": { $ref: "#/components/responses/NotReady" },
            "502": { $ref: "#/components/responses/BadGateway" },
            "500": { $ref: "#/components/responses/InternalError" },
            "504": { $ref: "#/components/responses/GatewayTimeout" },
            default: {
              description: "Without `detailed`: any other status is the upstream API's response, passed on unchanged.",
              content: { "*/*": { schema: {} } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        InvokeRequest: invokeRequestJsonSchema(),
        InvokeDetailedResponse: {
          ...jsonSchemaOf(invokeDetailedResponseSchema, "output"),
          description:
            '`detailed: true` answer: `responseCode` is the upstream status, `responseHeader` the upstream headers (lower-cased names, repeated headers joined with ", "), `responseText` the upstream body as UTF-8 text.',
        },
        Error: {
          ...jsonSchemaOf(invokeErrorSchema, "output"),
          description: "The app's own error: a stable machine-readable `code` and a message written for people.",
        },
      },
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "cxn_…",
          description: "A personal access token (created in Settings → Access tokens): `Authorization: Bearer cxn_…`.",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "The signed-in browser session (`__Secure-next-auth.session-token` when served over https). Used when no `Authorization` header is sent.",
        },
      },
      headers: {
        ConnectionsError: {
          description: "`1` on the app's own error responses; absent on upstream responses.",
          schema: { type: "string", const: "1" },
        },
      },
      responses: {
        BadRequest: errorResponse(
          "The request is invalid, or the URL is not allowed: its host is not one the connection's service allows, or it is blocked by the outbound policy (private networks).",
          ["invalid", "host_not_allowed", "outbound_blocked"],
        ),
        Unauthenticated: errorResponse("No valid personal access token and no session.", ["unauthenticated"]),
        NotAuthorizedByYou: errorResponse(
          "The connection uses each user's own credentials and is not authorized by you yet; the message says where to do it.",
          ["not_authorized_by_you"],
        ),
        NotFound: errorResponse("No connection with that link name that you can use.", ["not_found"]),
        NotReady: errorResponse(
          "The connection cannot be used yet: it needs re-authentication, is not connected, or its service is not configured; the message says how to fix it.",
          ["needs_reauth", "not_connected", "not_configured"],
        ),
        BadGateway: errorResponse("The upstream API or its token endpoint could not be reached or answered badly.", [
          "upstream_unreachable",
          "upstream_error",
          "token_refresh_failed",
          "response_too_large",
          "too_many_redirects",
        ]),
        GatewayTimeout: errorResponse("The upstream API did not answer in time.", ["upstream_timeout"]),
        InternalError: errorResponse("Something went wrong in the app itself.", ["internal"]),
      },
    },
  };
}
