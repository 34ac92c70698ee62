import { describe, expect, it } from "vitest";
import { invokeMethods, invokeRequestSchema } from "@/lib/validation/invoke";
import { buildOpenApiDocument, CONNECTIONS_ERROR_HEADER, invokeRequestFieldDescriptions } from "./openapi";

type Json = Record<string, unknown>;

const doc = buildOpenApiDocument("https://connections.example.com/");
const post = doc.paths["/api/v1/invoke"].post as Json;

function resolve(ref: string): unknown {
  expect(ref.startsWith("#/")).toBe(true);
  let node: unknown = doc;
  for (const part of ref.slice(2).split("/")) {
    node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    if (node === undefined) return undefined;
  }
  return node;
}

function deref<T = Json>(node: unknown): T {
  const ref = (node as Json).$ref;
  return (typeof ref === "string" ? resolve(ref) : node) as T;
}

function collectRefs(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, into));
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") into.push(value);
      else collectRefs(value, into);
    }
  }
  return into;
}

describe("buildOpenApiDocument", () => {
  it("is an OpenAPI 3.1 document with the base URL as server", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.servers).toEqual([{ url: "https://connections.example.com" }]);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("has every $ref resolving inside the document", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(resolve(ref), ref).toBeDefined();
  });

  it("has no JSON Schema $schema keys inside (the document's dialect applies)", () => {
    expect(JSON.stringify(doc.components.schemas)).not.toContain("$schema");
  });

  it("describes POST /api/v1/invoke with a JSON request body derived from invokeRequestSchema", () => {
    expect(post.operationId).toBe("invoke");
    const body = post.requestBody as Json;
    expect(body.required).toBe(true);
    const schema = deref((body.content as Record<string, Json>)["application/json"].schema);
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(expect.arrayContaining(["connection", "url"]));
    // io: "input": method has a default, so it is not required.
    expect(schema.required).not.toContain("method");
    const properties = schema.properties as Record<string, Json>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(invokeRequestSchema.shape).sort());
    expect(properties.method.enum).toEqual([...invokeMethods]);
    expect(properties.method.default).toBe("GET");
    expect(properties.detailed.type).toBe("boolean");
    expect(properties.body.type).toBe("string");
    expect(properties.url.maxLength).toBe(8192);
    expect(new RegExp(properties.connection.pattern as string).test("zoho_crm")).toBe(true);
    expect(new RegExp(properties.connection.pattern as string).test("Zoho")).toBe(false);
  });

  it("describes only fields that exist in the schema", () => {
    const shape = Object.keys(invokeRequestSchema.shape);
    for (const field of Object.keys(invokeRequestFieldDescriptions)) expect(shape).toContain(field);
    const schema = doc.components.schemas.InvokeRequest as Json;
    for (const property of Object.values(schema.properties as Record<string, Json>)) {
      expect(typeof property.description).toBe("string");
    }
  });

  it("states the parameters rule of docs/product.md §7 in the operation description", () => {
    const description = post.description as string;
    expect(description).toMatch(/query string for `GET` and `DELETE`/);
    expect(description).toMatch(/form body/);
    expect(description).toMatch(/unless `body` is given/);
    expect(description).toContain(CONNECTIONS_ERROR_HEADER);
  });

  it("documents the detailed response and the error schema", () => {
    const detailed = doc.components.schemas.InvokeDetailedResponse as Json;
    expect(detailed.required).toEqual(["responseCode", "responseHeader", "responseText"]);
    expect((detailed.properties as Record<string, Json>).responseCode.type).toBe("integer");
    const error = doc.components.schemas.Error as Json;
    expect(error.required).toEqual(["error"]);
    const inner = (error.properties as Record<string, Json>).error;
    expect(inner.required).toEqual(["code", "message"]);
  });

  it("has a described response for each status, errors with the error schema", () => {
    const responses = post.responses as Record<string, Json>;
    expect(Object.keys(responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "403", "404", "409", "502", "504", "default"]),
    );
    for (const [status, response] of Object.entries(responses)) {
      const r = deref(response);
      expect(typeof r.description, status).toBe("string");
      expect((r.description as string).length, status).toBeGreaterThan(10);
      if (/^[45]\d\d$/.test(status)) {
        const content = r.content as Record<string, Json>;
        expect(content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
        expect(Object.keys(r.headers as Json)).toContain(CONNECTIONS_ERROR_HEADER);
      }
    }
    const ok = deref(responses["200"]).content as Record<string, Json>;
    expect(collectRefs(ok["application/json"])).toContain("#/components/schemas/InvokeDetailedResponse");
  });

  it("offers a bearer token and, as an alternative, the session cookie", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({ type: "apiKey", in: "cookie" });
    // Two entries of the array = either one suffices.
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(post.security).toEqual(doc.security);
  });
});
