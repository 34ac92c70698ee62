/**
 * OAuth 1.0a consent through the app's own functions, against the loopback provider
 * (test/peers/oauth1-provider.ts): the per-service callback URL holds for OAuth 1.0a as for
 * OAuth 2 (docs/security.md, mix-up): a provider's answer presented on another service's
 * path is refused without consuming the rightful flow, and another member cannot complete it.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, oauthTransactions } from "@/db/schema";
import type { Actor } from "@/lib/auth/users";
import { AuthorizationFailed } from "@/lib/errors";
import { createCustomService } from "@/lib/services/create-custom-service";
import { createConnectionSchema } from "@/lib/validation/connections";
import { createServiceSchema } from "@/lib/validation/services";
import { createAppContext, databaseKinds, rejection, setupTestEnv, testRedirectUri, type AppContext } from "@/test/harness";
import { startOAuth1Provider, type OAuth1Provider } from "@/test/peers/oauth1-provider";
import { newBinding } from "./browser-binding";
import { completeAuthorization, WRONG_SERVICE } from "./complete-authorization";
import { createConnection } from "./create-connection";
import { startAuthorization } from "./start-authorization";

let provider: OAuth1Provider;

beforeAll(async () => {
  provider = await startOAuth1Provider({ host: "127.0.0.1" });
  setupTestEnv();
});

afterAll(async () => {
  await provider?.close();
});

/** Clicks Allow on the provider's page; returns where the provider sends the browser back. */
async function allow(authorizeUrl: string): Promise<URL> {
  const token = new URL(authorizeUrl).searchParams.get("oauth_token")!;
  const response = await fetch(`${provider.url}/oauth/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ oauth_token: token, decision: "allow" }),
    redirect: "manual",
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!);
}

async function refusal(p: Promise<unknown>): Promise<AuthorizationFailed> {
  const error = await rejection(p);
  expect(error).toBeInstanceOf(AuthorizationFailed);
  return error as unknown as AuthorizationFailed;
}

describe.each(databaseKinds)("OAuth 1.0a callbacks, one per service (%s)", (kind) => {
  let ctx: AppContext;
  let ada: Actor;
  let bob: Actor;
  const real = `real_one_${kind}`;
  const other = `bob_one_${kind}`;
  let realServiceId = "";
  let seq = 0;

  beforeAll(async () => {
    ctx = await createAppContext(kind);
    ({ ada, bob } = ctx.actors);
    const service = (name: string, linkName: string) =>
      createServiceSchema.parse({
        name,
        linkName,
        authType: "oauth1",
        consumerKey: provider.consumerKey,
        consumerSecret: provider.consumerSecret,
        requestTokenUrl: `${provider.url}/oauth/request_token`,
        authorizeUrl: `${provider.url}/oauth/authorize`,
        accessTokenUrl: `${provider.url}/oauth/access_token`,
        paramType: "header",
      });
    ({ id: realServiceId } = await createCustomService(ctx.db, ada, service("Real One", real)));
    await createCustomService(ctx.db, bob, service("Bob One", other));
  });
  afterAll(async () => {
    await ctx?.drop();
  });

  async function start() {
    seq += 1;
    const { id } = await createConnection(
      ctx.db,
      ada,
      createConnectionSchema.parse({
        service: { kind: "custom", id: realServiceId },
        name: `One ${seq}`,
        linkName: `one_${kind}_${seq}`,
      }),
    );
    const binding = newBinding();
    const { redirectTo } = await startAuthorization(ctx.db, ada, { connectionId: id, browserBinding: binding, mode: "popup" });
    return { id, binding, callback: await allow(redirectTo) };
  }

  const stored = (id: string) => ctx.db.select().from(credentials).where(eq(credentials.connectionId, id));
  const pending = (id: string) => ctx.db.select().from(oauthTransactions).where(eq(oauthTransactions.connectionId, id));

  it("the provider is given the service's own callback URL; an answer on another service's path is refused and consumes nothing", async () => {
    const { id, binding, callback } = await start();
    expect(`${callback.origin}${callback.pathname}`).toBe(testRedirectUri(real));

    const elsewhere = new URL(callback);
    elsewhere.pathname = new URL(testRedirectUri(other)).pathname;
    const before = provider.requests.length;
    const error = await refusal(
      completeAuthorization(ctx.db, ada, { callbackUrl: elsewhere, browserBinding: binding, serviceLinkName: other }),
    );
    expect(error.message).toBe(WRONG_SERVICE);
    expect(provider.requests.length).toBe(before); // no access token request was made
    expect(await pending(id)).toHaveLength(1);

    await expect(
      completeAuthorization(ctx.db, ada, { callbackUrl: callback, browserBinding: binding, serviceLinkName: real }),
    ).resolves.toEqual({
      connectionId: id,
      mode: "popup",
      accountChanged: false,
    });
    expect((await stored(id)).map((c) => c.userId)).toEqual([ada.id]);
  });

  it("another member presenting ada's answer is refused, and nothing is stored", async () => {
    const { id, binding, callback } = await start();
    const error = await refusal(
      completeAuthorization(ctx.db, bob, { callbackUrl: callback, browserBinding: binding, serviceLinkName: real }),
    );
    expect(error.reason).toBe("other_session");
    expect(await stored(id)).toEqual([]);
  });
});
