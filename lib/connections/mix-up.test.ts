/**
 * OAuth mix-up between members (docs/security.md, RFC 9700 §4.4), with two authorization
 * servers on loopback: IdP A is the organization's real provider (the default service
 * `test_idp`, with the admin's app), IdP B is one a member controls. The member's custom
 * service points its Authorize URL at IdP A with the organization's (public) client id,
 * and its Access Token URL at IdP B, hoping to receive a colleague's code.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, oauthTransactions } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { AuthorizationFailed } from "@/lib/errors";
import { setServiceApp } from "@/lib/services/apps";
import { createCustomService } from "@/lib/services/create-custom-service";
import { createConnectionSchema } from "@/lib/validation/connections";
import { serviceAppSchema } from "@/lib/validation/service-apps";
import { createServiceSchema } from "@/lib/validation/services";
import {
  createAppContext,
  databaseKinds,
  setupTestEnv,
  TEST_IDP_CLIENT,
  TEST_IDP_LINK_NAME,
  testIdpClient,
  testRedirectUri,
  type AppContext,
} from "@/test/harness";
import { completeLoginAndConsentWithFetch, startIdp, type Idp } from "@/test/peers/idp";
import { completeAuthorization, WRONG_SERVICE } from "./complete-authorization";
import { createConnection } from "./create-connection";
import { startAuthorization } from "./start-authorization";

let idpA: Idp;
let idpB: Idp;
const EVIL = "evil_idp";

beforeAll(async () => {
  idpA = await startIdp({ clients: [testIdpClient()], scopes: ["read", "write"] });
  idpB = await startIdp({
    clients: [
      { ...testIdpClient({ client_id: "evil-client", client_secret: "evil-secret-1" }), redirect_uris: [testRedirectUri(EVIL)] },
    ],
    scopes: ["read", "write"],
  });
  setupTestEnv({ idpIssuer: idpA.issuer });
});

afterAll(async () => {
  await idpA?.close();
  await idpB?.close();
});

const binding = () => randomBytes(24).toString("base64url");

describe.each(databaseKinds)("mix-up between two authorization servers (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob } = ctx.actors);
    await setServiceApp(
      ctx.db,
      ada,
      serviceAppSchema.parse({
        serviceLinkName: TEST_IDP_LINK_NAME,
        clientId: TEST_IDP_CLIENT.clientId,
        clientSecret: TEST_IDP_CLIENT.clientSecret,
      }),
    );
    // Bob's custom service: the org's real authorize endpoint and client id, his own token endpoint, no issuer.
    await createCustomService(
      ctx.db,
      bob,
      createServiceSchema.parse({
        name: "Totally Real IdP",
        linkName: EVIL,
        authType: "oauth2",
        grantType: "authorization_code",
        clientId: TEST_IDP_CLIENT.clientId,
        clientSecret: "bob-knows-nothing-of-the-real-secret",
        authorizeUrl: idpA.endpoints.authorization,
        tokenUrl: idpB.endpoints.token,
        paramType: "header",
        scopes: ["openid", "read"],
        allowedHosts: ["127.0.0.1"],
      }),
    );
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  async function connect(
    actor: Actor,
    service: { kind: "catalog"; linkName: string } | { kind: "custom"; id: string },
    linkName: string,
  ) {
    const { id } = await createConnection(
      ctx.db,
      actor,
      createConnectionSchema.parse({
        service,
        name: linkName,
        linkName,
        scopes: ["openid", "read"],
        useLoginUserCredentials: true,
      }),
    );
    return id;
  }

  it("the real provider refuses to send a code to the custom service's own callback URL, so its token endpoint never sees one", async () => {
    const [evil] = await ctx.db.query.services.findMany({ where: (s, { eq: is }) => is(s.linkName, EVIL) });
    const connectionId = await connect(ada, { kind: "custom", id: evil.id }, `evil_${kind}`);
    const { redirectTo } = await startAuthorization(ctx.db, ada, { connectionId, browserBinding: binding(), mode: "popup" });
    const url = new URL(redirectTo);
    expect(url.origin).toBe(idpA.issuer);
    expect(url.searchParams.get("redirect_uri")).toBe(testRedirectUri(EVIL));
    idpB.resetCounters();
    await expect(completeLoginAndConsentWithFetch(url, "ada-at-idp")).rejects.toThrow(/redirect_uri/);
    expect(idpB.counters.token).toBe(0);
  });

  it("a response for one service presented on another service's path is refused and consumes nothing of the rightful flow", async () => {
    const real = await connect(ada, { kind: "catalog", linkName: TEST_IDP_LINK_NAME }, `real_${kind}`);
    const adaBinding = binding();
    const { redirectTo } = await startAuthorization(ctx.db, ada, {
      connectionId: real,
      browserBinding: adaBinding,
      mode: "popup",
    });
    const callback = await completeLoginAndConsentWithFetch(redirectTo, "ada-at-idp");
    expect(callback.pathname).toBe(new URL(testRedirectUri(TEST_IDP_LINK_NAME)).pathname);

    // The same response replayed on the custom service's callback path.
    const elsewhere = new URL(callback);
    elsewhere.pathname = new URL(testRedirectUri(EVIL)).pathname;
    idpB.resetCounters();
    const error = await completeAuthorization(ctx.db, ada, {
      callbackUrl: elsewhere,
      browserBinding: adaBinding,
      serviceLinkName: EVIL,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationFailed);
    expect((error as AuthorizationFailed).message).toBe(WRONG_SERVICE);
    expect(idpB.counters.token).toBe(0);
    expect(await ctx.db.select().from(oauthTransactions).where(eq(oauthTransactions.connectionId, real))).toHaveLength(1);

    // The rightful callback still completes, and the credential is ada's, on her connection only.
    await expect(
      completeAuthorization(ctx.db, ada, {
        callbackUrl: callback,
        browserBinding: adaBinding,
        serviceLinkName: TEST_IDP_LINK_NAME,
      }),
    ).resolves.toEqual({ connectionId: real, mode: "popup", accountChanged: false });
    const stored = await ctx.db.select().from(credentials).where(eq(credentials.userId, ada.id));
    expect(stored.map((c) => c.connectionId)).toEqual([real]);
  });

  it("a flow started before the service's app changed is refused at the callback", async () => {
    const real = await connect(ada, { kind: "catalog", linkName: TEST_IDP_LINK_NAME }, `edited_${kind}`);
    const b = binding();
    const { redirectTo } = await startAuthorization(ctx.db, ada, { connectionId: real, browserBinding: b, mode: "popup" });
    const callback = await completeLoginAndConsentWithFetch(redirectTo, "ada-at-idp");
    await setServiceApp(
      ctx.db,
      ada,
      serviceAppSchema.parse({ serviceLinkName: TEST_IDP_LINK_NAME, clientId: TEST_IDP_CLIENT.clientId, clientSecret: "" }),
    );
    const error = await completeAuthorization(ctx.db, ada, {
      callbackUrl: callback,
      browserBinding: b,
      serviceLinkName: TEST_IDP_LINK_NAME,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthorizationFailed);
    expect((error as AuthorizationFailed).reason).toBe("service_changed");
    expect(await ctx.db.select().from(credentials).where(eq(credentials.connectionId, real))).toEqual([]);
  });
});
