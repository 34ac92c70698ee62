/**
 * Custom services (docs/product.md §6): creating one, and every row of the edit table, enforced
 * on the server whatever the form sends. Only the creator edits; saving revokes the
 * credentials of every connection that uses the service; secrets are write-only.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, credentials } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { createConnection } from "@/lib/connections/create-connection";
import { findCredential, storeCredential } from "@/lib/credentials/credentials";
import { Conflict, DomainError, Forbidden, Invalid, NotFound } from "@/lib/errors";
import {
  createServiceSchema,
  serviceEditMessages,
  updateServiceSchema,
  type CreateServiceInput,
  type UpdateServiceInput,
} from "@/lib/validation/services";
import { createAppContext, setupTestEnv, testIdpClient, type AppContext } from "@/test/harness";
import { databaseKinds } from "@/test/harness";
import { startIdp, type Idp } from "@/test/peers/idp";
import { createCustomService } from "./create-custom-service";
import { SERVICE_LINK_NAME_DEFAULT, SERVICE_LINK_NAME_TAKEN } from "./custom-service-access";
import { discoverServiceEndpoints } from "./discover-service-endpoints";
import { countServiceConnections, getCustomServiceForEdit } from "./get-custom-service-for-edit";
import { updateCustomService } from "./update-custom-service";
import { loadServiceClient, resolveService } from "./resolve";

beforeAll(() => {
  setupTestEnv();
});

type ErrorClass = new (...args: never[]) => DomainError;

async function expectError<E extends ErrorClass>(p: Promise<unknown>, type: E): Promise<InstanceType<E>> {
  const error = await p.then(
    () => {
      throw new Error(`expected ${type.name}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as InstanceType<E>;
}

const CLIENT_SECRET = "client-secret-7f3a9c1e-do-not-leak";
const CONSUMER_SECRET = "consumer-secret-b81d44-do-not-leak";

describe.each(databaseKinds)("custom services (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;
  let eve: Actor;
  let seq = 0;
  const nextLinkName = (prefix: string) => `${prefix}_${++seq}`;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob, eve } = ctx.actors);
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  const create = (actor: Actor, input: CreateServiceInput) =>
    createCustomService(ctx.db, actor, createServiceSchema.parse(input));
  const update = (actor: Actor, input: UpdateServiceInput) =>
    updateCustomService(ctx.db, actor, updateServiceSchema.parse(input));

  const oauth2Input = (linkName = nextLinkName("oauth2")): Extract<CreateServiceInput, { authType: "oauth2" }> => ({
    name: "Acme OAuth",
    linkName,
    authType: "oauth2",
    grantType: "authorization_code",
    clientId: "client-1",
    clientSecret: CLIENT_SECRET,
    authorizeUrl: "https://auth.example.com/authorize",
    tokenUrl: "https://auth.example.com/token",
    refreshUrl: "",
    paramType: "header",
    scopes: ["read", "write"],
  });
  const apiKeyInput = (): CreateServiceInput => ({
    name: "Acme Keys",
    linkName: nextLinkName("keys"),
    authType: "api_key",
    params: [
      { name: "api_key", displayName: "API Key", paramType: "query" },
      { name: "X-Tenant", displayName: "Tenant", paramType: "header" },
    ],
    allowedHosts: ["api.example.com"],
  });
  const oauth1Input = (): CreateServiceInput => ({
    name: "Acme OAuth 1",
    linkName: nextLinkName("oauth1"),
    authType: "oauth1",
    consumerKey: "consumer-1",
    consumerSecret: CONSUMER_SECRET,
    requestTokenUrl: "https://api.example.com/oauth/request_token",
    authorizeUrl: "https://api.example.com/oauth/authorize",
    accessTokenUrl: "https://api.example.com/oauth/access_token",
    paramType: "header",
  });

  describe("create", () => {
    it("creates each type; the secret is sealed and opens for the flows", async () => {
      const { id } = await create(ada, oauth2Input());
      const def = await resolveService(ctx.db, ada, { kind: "custom", id });
      expect(def.oauth2?.clientId).toBe("client-1");
      expect(await loadServiceClient(ctx.db, ada, def)).toMatchObject({ clientId: "client-1", clientSecret: CLIENT_SECRET });

      const basic = await create(ada, {
        name: "Basic one",
        linkName: nextLinkName("basic"),
        authType: "basic",
        allowedHosts: ["api.example.com"],
      });
      expect((await getCustomServiceForEdit(ctx.db, ada, basic.id)).hasSecret).toBe(false);
      const keys = await create(ada, apiKeyInput());
      expect((await getCustomServiceForEdit(ctx.db, ada, keys.id)).config).toMatchObject({ authType: "api_key" });
      const o1 = await create(ada, oauth1Input());
      const o1def = await resolveService(ctx.db, ada, { kind: "custom", id: o1.id });
      expect((await loadServiceClient(ctx.db, ada, o1def)).clientSecret).toBe(CONSUMER_SECRET);
    });

    it("refuses a link name used by another custom service of the organization", async () => {
      const input = oauth2Input();
      await create(ada, input);
      const error = await expectError(create(bob, { ...input, name: "Other" }), Conflict);
      expect(error.fieldErrors?.linkName).toEqual([SERVICE_LINK_NAME_TAKEN]);
      // Another organization has its own link names.
      await expect(create(eve, input)).resolves.toMatchObject({ linkName: input.linkName });
    });

    it("refuses a default service's link name", async () => {
      const error = await expectError(create(ada, oauth2Input("github")), Conflict);
      expect(error.fieldErrors?.linkName).toEqual([SERVICE_LINK_NAME_DEFAULT]);
    });

    it("requires the Authorize URL for the authorization code grant, not for client credentials", async () => {
      const noAuthorize = { ...oauth2Input(), authorizeUrl: "" };
      const parsed = createServiceSchema.safeParse(noAuthorize);
      expect(parsed.success).toBe(false);
      const cc = await create(ada, { ...noAuthorize, grantType: "client_credentials" });
      expect((await getCustomServiceForEdit(ctx.db, ada, cc.id)).config).toMatchObject({ grantType: "client_credentials" });
    });

    it("refuses relative URLs in the schema and blocked URLs on the server", async () => {
      expect(createServiceSchema.safeParse({ ...oauth2Input(), tokenUrl: "/token" }).success).toBe(false);
      const error = await expectError(
        create(ada, { ...oauth2Input(), tokenUrl: "https://user:pw@auth.example.com/token" }),
        Invalid,
      );
      expect(error.fieldErrors?.tokenUrl?.[0]).toMatch(/embedded credentials/);
    });

    it("refuses API key parameter names that are not plain tokens", () => {
      const input = apiKeyInput() as Extract<CreateServiceInput, { authType: "api_key" }>;
      const bad = { ...input, params: [{ name: "api key", displayName: "Key", paramType: "query" as const }] };
      expect(createServiceSchema.safeParse(bad).success).toBe(false);
    });
  });

  describe("edit table (docs/product.md §6)", () => {
    it("Basic: the service name is editable", async () => {
      const { id, linkName } = await create(ada, {
        name: "Basic",
        linkName: nextLinkName("basic"),
        authType: "basic",
        allowedHosts: ["api.example.com"],
      });
      await update(ada, { id, name: "Basic renamed", linkName, authType: "basic", allowedHosts: ["api.example.com"] });
      const dto = await getCustomServiceForEdit(ctx.db, ada, id);
      expect(dto.name).toBe("Basic renamed");
      expect(dto.version).toBe(2);
    });

    it("refuses a change of authentication type or link name, naming the field", async () => {
      const { id, linkName } = await create(ada, {
        name: "Basic",
        linkName: nextLinkName("basic"),
        authType: "basic",
        allowedHosts: ["api.example.com"],
      });
      const typeChange = await expectError(
        update(ada, { ...(apiKeyInput() as object), id, linkName } as UpdateServiceInput),
        Invalid,
      );
      expect(typeChange.message).toBe(serviceEditMessages.authType);
      expect(typeChange.message).toMatch(/Authentication Type/);
      const linkChange = await expectError(
        update(ada, { id, name: "Basic", linkName: `${linkName}_x`, authType: "basic", allowedHosts: ["api.example.com"] }),
        Invalid,
      );
      expect(linkChange.message).toMatch(/LinkName/);
      expect(linkChange.fieldErrors?.linkName).toEqual([serviceEditMessages.linkName]);
    });

    it("API Key and Basic services must name their API's hosts: credentials are only sent there", async () => {
      const noHosts = { name: "No hosts", linkName: nextLinkName("nohosts"), authType: "basic" as const };
      const parsed = createServiceSchema.safeParse(noHosts);
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error?.issues)).toContain("List the host(s) of the service's API");
    });

    it("a wildcard allowed host may not cover a public suffix: anyone could register a name there", async () => {
      for (const host of ["*.github.io", "*.co.uk", "*.herokuapp.com"]) {
        const error = await expectError(create(ada, { ...apiKeyInput(), allowedHosts: [host] }), Invalid);
        expect(error.fieldErrors?.allowedHosts?.[0]).toMatch(/covers a public suffix/);
      }
      const { id } = await create(ada, { ...apiKeyInput(), allowedHosts: ["*.example.com", "ada.github.io"] });
      // Nor can an edit widen it so.
      const { linkName } = await getCustomServiceForEdit(ctx.db, ada, id);
      const widened = { ...(apiKeyInput() as object), id, linkName, allowedHosts: ["*.github.io"] } as UpdateServiceInput;
      await expectError(update(ada, widened), Invalid);
    });

    it("API key: name and param types edit, parameters are added and edited, never deleted", async () => {
      const input = apiKeyInput() as Extract<CreateServiceInput, { authType: "api_key" }>;
      const { id } = await create(ada, input);
      const [first, second] = input.params;
      await update(ada, {
        id,
        name: "Keys renamed",
        authType: "api_key",
        allowedHosts: ["api.example.com"],
        params: [
          { ...first, name: "key", displayName: "Key", paramType: "header" },
          second,
          { name: "region", displayName: "Region", paramType: "form" },
        ],
      });
      const dto = await getCustomServiceForEdit(ctx.db, ada, id);
      expect(dto.name).toBe("Keys renamed");
      expect(dto.config).toMatchObject({
        params: [
          { name: "key", displayName: "Key", paramType: "header" },
          { name: "X-Tenant" },
          { name: "region", paramType: "form" },
        ],
      });
      const error = await expectError(
        update(ada, { id, name: "Keys", authType: "api_key", params: [first], allowedHosts: ["api.example.com"] }),
        Invalid,
      );
      expect(error.message).toBe("API key parameters cannot be deleted");
    });

    it("OAuth 1: every listed field is editable and a blank secret keeps the stored one", async () => {
      const input = oauth1Input() as Extract<CreateServiceInput, { authType: "oauth1" }>;
      const { id } = await create(ada, input);
      await update(ada, {
        ...input,
        id,
        name: "OAuth 1 renamed",
        consumerKey: "consumer-2",
        consumerSecret: "",
        requestTokenUrl: "https://api2.example.com/rt",
        authorizeUrl: "https://api2.example.com/auth",
        accessTokenUrl: "https://api2.example.com/at",
        paramType: "query",
      });
      const def = await resolveService(ctx.db, ada, { kind: "custom", id });
      expect(def.oauth1).toMatchObject({
        consumerKey: "consumer-2",
        requestTokenUrl: "https://api2.example.com/rt",
        paramType: "query",
      });
      expect((await loadServiceClient(ctx.db, ada, def)).clientSecret).toBe(CONSUMER_SECRET);
      await update(ada, { ...input, id, consumerSecret: "new-consumer-secret" });
      const after = await resolveService(ctx.db, ada, { kind: "custom", id });
      expect((await loadServiceClient(ctx.db, ada, after)).clientSecret).toBe("new-consumer-secret");
    });

    it("OAuth 2: the listed fields edit, scopes are only added, the grant type never changes", async () => {
      const input = oauth2Input() as Extract<CreateServiceInput, { authType: "oauth2" }>;
      const { id } = await create(ada, input);
      await update(ada, {
        ...input,
        id,
        name: "OAuth renamed",
        clientId: "client-2",
        clientSecret: "",
        authorizeUrl: "https://auth2.example.com/authorize",
        tokenUrl: "https://auth2.example.com/token",
        refreshUrl: "https://auth2.example.com/refresh",
        paramType: "query",
        scopes: ["read", "write", "admin"],
      });
      const def = await resolveService(ctx.db, ada, { kind: "custom", id });
      expect(def.oauth2).toMatchObject({
        clientId: "client-2",
        tokenUrl: "https://auth2.example.com/token",
        refreshUrl: "https://auth2.example.com/refresh",
        paramType: "query",
      });
      expect(def.oauth2?.scopes.map((s) => s.name)).toEqual(["read", "write", "admin"]);
      expect(await loadServiceClient(ctx.db, ada, def)).toMatchObject({ clientId: "client-2", clientSecret: CLIENT_SECRET });

      const edited = await expectError(update(ada, { ...input, id, scopes: ["read", "WRITE", "admin"] }), Invalid);
      expect(edited.message).toBe(serviceEditMessages.scopesChanged);
      const deleted = await expectError(update(ada, { ...input, id, scopes: ["read", "admin"] }), Invalid);
      expect(deleted.fieldErrors?.scopes).toEqual([serviceEditMessages.scopesChanged]);
      const grant = await expectError(
        update(ada, { ...input, id, grantType: "client_credentials", scopes: ["read", "write", "admin"] }),
        Invalid,
      );
      expect(grant.message).toMatch(/Grant Type/);
    });

    it("only the creator edits; another organization sees nothing", async () => {
      const input = oauth2Input() as Extract<CreateServiceInput, { authType: "oauth2" }>;
      const { id } = await create(ada, input);
      await expectError(update(bob, { ...input, id, name: "Bob's now" }), Forbidden);
      await expectError(getCustomServiceForEdit(ctx.db, bob, id), Forbidden);
      // How many connections use it (others' private ones included) is the editor's to know, not every member's.
      await expectError(countServiceConnections(ctx.db, bob, id), Forbidden);
      await expectError(update(eve, { ...input, id, name: "Eve's now" }), NotFound);
      await expectError(getCustomServiceForEdit(ctx.db, eve, id), NotFound);
      await expectError(countServiceConnections(ctx.db, eve, id), NotFound);
      expect((await getCustomServiceForEdit(ctx.db, ada, id)).name).toBe(input.name);
    });
  });

  describe("saving revokes the connections that use the service", () => {
    it("clears every stored credential and reports how many connections it revoked", async () => {
      const input = oauth2Input() as Extract<CreateServiceInput, { authType: "oauth2" }>;
      const { id } = await create(ada, input);
      const stored = [];
      for (const [owner, linkName] of [
        [ada, nextLinkName("conn")],
        [bob, nextLinkName("conn")],
        [bob, nextLinkName("conn")],
      ] as const) {
        const connection = await createConnection(ctx.db, owner, {
          service: { kind: "custom", id },
          name: linkName,
          linkName,
          scopes: ["read"],
          scopeDelimiter: "comma",
          useLoginUserCredentials: false,
        });
        stored.push({ connectionId: connection.id, userId: owner.id });
      }
      // Two connections hold credentials; the third was never authorized.
      for (const s of stored.slice(0, 2)) {
        await storeCredential(ctx.db, {
          orgId: ada.orgId,
          connectionId: s.connectionId,
          userId: s.userId,
          payload: { type: "oauth2", accessToken: "at", refreshToken: "rt", tokenType: "Bearer" },
          grantedScopes: ["read"],
        });
      }
      expect(await countServiceConnections(ctx.db, ada, id)).toBe(2);
      expect((await getCustomServiceForEdit(ctx.db, ada, id)).connectionCount).toBe(2);

      const result = await update(ada, { ...input, id, name: "Renamed", clientSecret: "" });
      expect(result.revoked).toBe(2);
      for (const s of stored) {
        const credential = await findCredential(ctx.db, s.connectionId, s.userId);
        expect(credential?.payloadSealed ?? null).toBeNull();
      }
      expect(await countServiceConnections(ctx.db, ada, id)).toBe(0);
      const events = await ctx.db.select().from(auditEvents).where(eq(auditEvents.serviceId, id));
      expect(events.map((e) => e.action)).toContain("service.updated");
      // Nothing left to revoke on the next save.
      expect((await update(ada, { ...input, id })).revoked).toBe(0);
      const remaining = await ctx.db.select().from(credentials).where(eq(credentials.connectionId, stored[0].connectionId));
      expect(remaining.every((c) => c.status === "revoked")).toBe(true);
    });
  });

  describe("secrets are write-only", () => {
    it("the edit DTO has no secret, only that one is set", async () => {
      const { id } = await create(ada, oauth2Input());
      const dto = await getCustomServiceForEdit(ctx.db, ada, id);
      expect(dto.hasSecret).toBe(true);
      expect(JSON.stringify(dto)).not.toContain(CLIENT_SECRET);
      expect(JSON.stringify(dto)).not.toMatch(/secret_?sealed/i);
    });
  });
});

describe("Discover endpoints (RFC 8414 / OpenID Connect discovery)", () => {
  let idp: Idp;
  beforeAll(async () => {
    idp = await startIdp({ clients: [testIdpClient()] });
  });
  afterAll(async () => {
    await idp?.close();
  });

  it("fills the endpoints from the issuer's metadata", async () => {
    await expect(discoverServiceEndpoints(idp.issuer)).resolves.toMatchObject({
      issuer: idp.issuer,
      authorizeUrl: `${idp.issuer}/auth`,
      tokenUrl: `${idp.issuer}/token`,
      revocationUrl: `${idp.issuer}/token/revocation`,
    });
  });

  it("puts a failure under the Issuer URL field", async () => {
    const error = await expectError(discoverServiceEndpoints(`${idp.issuer}/nowhere`), Invalid);
    expect(error.fieldErrors?.issuer?.[0]).toMatch(/^Discovery failed/);
  });
});
