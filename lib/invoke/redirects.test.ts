/**
 * The one redirect follower (lib/invoke/redirects.ts) against loopback echo APIs: each hop
 * is checked by the outbound policy again, counted and bounded; methods and bodies change
 * as Fetch §4.4 says; credentials never cross to another origin unless the service allows
 * the host, and then the credential is injected again.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { statusOf } from "@/lib/errors";
import type { Resolver } from "@/lib/http/dispatcher";
import { OutboundBlockedError } from "@/lib/http/errors";
import { DomainError } from "@/lib/errors";
import { startEchoApi, type EchoApi, type EchoRecord } from "@/test/peers/echo-api";
import type { PreparedRequest } from "./build-request";
import { followRedirects, type FollowedExchange, type RedirectPolicy } from "./redirects";

let api: EchoApi;
let other: EchoApi;

beforeEach(async () => {
  api = await startEchoApi();
  other = await startEchoApi();
});
afterEach(async () => {
  await Promise.all([api.close(), other.close()]);
});

const policy = (overrides: Partial<RedirectPolicy> = {}): RedirectPolicy => ({
  credential: null,
  allowedHosts: [],
  maxRedirects: 5,
  deadline: Date.now() + 10_000,
  timeoutMs: 10_000,
  transport: { allowPrivateNetwork: true },
  ...overrides,
});
const get = (url: string, headers: Record<string, string> = {}): PreparedRequest => ({ method: "GET", url, headers });
const echoed = async (followed: FollowedExchange) =>
  JSON.parse((await followed.answer.readBody(1 << 20)).toString("utf8")) as EchoRecord;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("followRedirects", () => {
  it("follows a redirect to an allowed host and counts it", async () => {
    const followed = await followRedirects(get(`${api.url}/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`), policy());
    expect(followed.answer.status).toBe(200);
    expect(followed.redirects).toBe(1);
    expect(followed.answer.url).toBe(`${other.url}/landing`);
    expect((await echoed(followed)).path).toBe("/landing");
  });

  it("refuses a redirect that leaves what the policy allows, and never reaches it", async () => {
    // Only names the injected resolver maps to the API are allowed: the redirect target is a bare loopback literal.
    const resolve: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const transport = {
      allowPrivateNetwork: true,
      resolve,
      isAllowedAddress: (_address: string, hostname: string) => hostname === "api.test",
    };
    const apiPort = new URL(api.url).port;
    const first = `http://api.test:${apiPort}/redirect?status=307&to=`;

    const error = await failure(
      followRedirects(get(first + encodeURIComponent(`${other.url}/x?token=s3cr3t`)), policy({ transport })),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("outbound_blocked");
    expect((error as Error).message).not.toContain("s3cr3t");

    const toName = followRedirects(
      get(first + encodeURIComponent(`http://other.test:${new URL(other.url).port}/`)),
      policy({ transport }),
    );
    expect(await failure(toName)).toMatchObject({ code: "outbound_blocked" }); // refused inside the lookup

    expect(api.requests).toHaveLength(2);
    expect(other.requests).toHaveLength(0);
  });

  it("refuses redirects to other schemes and to credentials in the URL", async () => {
    for (const to of ["file:///etc/passwd", "http://user:pw@127.0.0.1/"]) {
      const error = await failure(followRedirects(get(`${api.url}/redirect?to=${encodeURIComponent(to)}`), policy()));
      expect(error).toMatchObject({ code: "outbound_blocked" });
    }
  });

  it("stops a redirect loop after maxRedirects", async () => {
    const error = await failure(followRedirects(get(`${api.url}/redirect`), policy({ maxRedirects: 3 })));
    expect(error).toMatchObject({ code: "too_many_redirects" });
    expect(statusOf((error as DomainError).code)).toBe(502);
    expect(api.requests).toHaveLength(4);
  });

  it("returns a 3xx without a usable Location as it is", async () => {
    const followed = await followRedirects(
      get(`${api.url}/redirect?status=301&to=${encodeURIComponent("http://[bad")}`),
      policy(),
    );
    expect(followed.answer.status).toBe(301);
    expect(followed.redirects).toBe(0);
    followed.answer.discard();
  });

  it.each([
    [303, "PUT", "GET"],
    [303, "POST", "GET"],
    [302, "POST", "GET"],
    [301, "POST", "GET"],
    [302, "PUT", "PUT"],
    [307, "POST", "POST"],
    [308, "PATCH", "PATCH"],
  ] as const)("after %i a %s continues as %s", async (status, method, expected) => {
    const followed = await followRedirects(
      {
        method,
        url: `${api.url}/redirect?status=${status}&to=/after`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1",
      },
      policy(),
    );
    const record = await echoed(followed);
    expect(record.method).toBe(expected);
    expect(record.body).toBe(expected === "GET" ? "" : "a=1");
    expect(record.headers["content-type"]).toBe(expected === "GET" ? undefined : "application/x-www-form-urlencoded");
  });

  it("drops the caller's credentials on a cross-origin redirect and keeps them on a same-origin one", async () => {
    const headers = { Authorization: "Bearer secret-token", Cookie: "session=abc", "X-Custom": "kept" };
    const crossOrigin = await echoed(
      await followRedirects(get(`${api.url}/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`, headers), policy()),
    );
    expect(crossOrigin.headers).toMatchObject({ "x-custom": "kept" });
    expect(crossOrigin.headers.authorization).toBeUndefined();
    expect(crossOrigin.headers.cookie).toBeUndefined();

    const sameOrigin = await echoed(await followRedirects(get(`${api.url}/redirect?to=/landing`, headers), policy()));
    expect(sameOrigin.headers.authorization).toBe("Bearer secret-token");
  });

  it("injects the credential again on every hop to an allowed host, and never on another", async () => {
    const credential = { type: "oauth2" as const, accessToken: "for-the-service", paramType: "header" as const };
    const reinjected = await followRedirects(
      get(`${api.url}/redirect?to=${encodeURIComponent(`${other.url}/landing`)}`, { authorization: "Bearer first" }),
      policy({ credential, allowedHosts: ["127.0.0.1"] }),
    );
    expect(reinjected.credentialSent).toBe(true);
    expect((await echoed(reinjected)).headers.authorization).toBe("Bearer for-the-service");

    const resolve: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const away = `http://elsewhere.test:${new URL(other.url).port}/landing`;
    const withheld = await followRedirects(
      get(`${api.url}/redirect?to=${encodeURIComponent(away)}`),
      policy({ credential, allowedHosts: ["127.0.0.1"], transport: { allowPrivateNetwork: true, resolve } }),
    );
    expect(withheld.credentialSent).toBe(false);
    expect((await echoed(withheld)).headers.authorization).toBeUndefined();
  });

  it("is bounded by the deadline across hops", async () => {
    const error = await failure(
      followRedirects(get(`${api.url}/slow?ms=5000`), policy({ deadline: Date.now() + 200, timeoutMs: 200 })),
    );
    expect(error).toMatchObject({ code: "upstream_timeout" });
    expect(error).not.toBeInstanceOf(OutboundBlockedError);
  });
});
