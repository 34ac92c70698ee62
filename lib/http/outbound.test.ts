/**
 * Provider answers are bounded (docs/product.md §9, docs/security.md): token, discovery,
 * revocation and OAuth 1.0a request-token answers past the size cap, or slower than the
 * deadline, end with a clear error — through the same fetch the app uses (oauthTransport,
 * oauth1Transport) and through each protocol's own code.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchRequestToken } from "@/lib/oauth1/flow";
import { OAuth1Error } from "@/lib/oauth1/errors";
import { clientCredentialsToken, discover, OAuth2Error, revokeToken } from "@/lib/oauth2";
import { setupTestEnv } from "@/test/harness";
import { OutboundTimeoutError, OutboundTooLargeError } from "./errors";
import { createGuardedFetch } from "./guarded-fetch";
import { boundedFetch, oauth1Transport, oauthTransport, PROVIDER_RESPONSE_MAX_BYTES, PROVIDER_TIMEOUT_MS } from "./outbound";

const CAP = 4096;
const pending = new Set<http.ServerResponse>();
let server: http.Server;
let base: string;

/** A JSON value of about `bytes` bytes that would be a valid token answer if it were read. */
const tokenAnswer = (bytes: number) => JSON.stringify({ access_token: "a".repeat(bytes), token_type: "bearer" });

const routes: Record<string, (res: http.ServerResponse) => void> = {
  // Declares its size: refused before reading.
  "/declared": (res) => {
    const body = tokenAnswer(CAP * 2);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  },
  // Chunked, no length: refused once the cap passes.
  "/streamed": (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const body = tokenAnswer(CAP * 2);
    for (let i = 0; i < body.length; i += 512) res.write(body.slice(i, i + 512));
    res.end();
  },
  "/small": (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(tokenAnswer(100));
  },
  "/never": (res) => {
    pending.add(res);
  },
  "/stalls": (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"access_token":"');
    pending.add(res);
  },
  "/huge": (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = "a".repeat(64 * 1024);
    let sent = 0;
    const more = () => {
      while (sent < PROVIDER_RESPONSE_MAX_BYTES + 2 * chunk.length) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", more);
      }
      res.end();
    };
    res.on("error", () => undefined);
    more();
  },
};

beforeAll(async () => {
  setupTestEnv();
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      // Named by the last segment: /token/never, /revoke/never and a well-known metadata path ending /declared.
      const path = `/${new URL(req.url ?? "/", "http://x").pathname.split("/").pop()}`;
      const route = routes[path];
      if (route) route(res);
      else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of pending) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const guarded = () => createGuardedFetch({ allowPrivateNetwork: true });
const small = () => boundedFetch(guarded(), { maxBytes: CAP, timeoutMs: 400 });

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
}

describe("boundedFetch", () => {
  it("passes an answer within the bounds", async () => {
    const response = await small()(`${base}/small`);
    expect((await response.json()) as object).toMatchObject({ token_type: "bearer" });
  });

  it("refuses a declared length over the cap before reading the body", async () => {
    const error = await rejection(small()(`${base}/declared`));
    expect(error).toBeInstanceOf(OutboundTooLargeError);
    expect((error as Error).message).toBe(`The response from ${new URL(base).host} is larger than ${CAP} bytes.`);
  });

  it("refuses a streamed body once it passes the cap", async () => {
    const response = await small()(`${base}/streamed`);
    expect(await rejection(response.text())).toBeInstanceOf(OutboundTooLargeError);
  });

  it("gives up on an endpoint that never answers, at the deadline", async () => {
    const started = performance.now();
    const error = await rejection(small()(`${base}/never`));
    expect(error).toBeInstanceOf(OutboundTimeoutError);
    expect((error as Error).message).toMatch(/did not answer within 400 ms/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("gives up on a body that stalls, at the same deadline", async () => {
    const started = performance.now();
    const response = await small()(`${base}/stalls`);
    await rejection(response.text());
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("is what the app's OAuth transports use: 1 MiB and a deadline", async () => {
    expect(PROVIDER_RESPONSE_MAX_BYTES).toBe(1024 * 1024);
    expect(oauthTransport().timeoutMs).toBe(PROVIDER_TIMEOUT_MS);
    expect(PROVIDER_TIMEOUT_MS).toBeLessThanOrEqual(30_000);
    for (const fetch of [oauthTransport().fetch, oauth1Transport()]) {
      const response = await fetch(`${base}/huge`);
      expect(await rejection(response.text())).toBeInstanceOf(OutboundTooLargeError);
    }
  });
});

describe("each protocol step ends with a clear error past the bounds", () => {
  const transport = () => ({ fetch: small(), allowInsecureRequests: true, timeoutMs: 400 });
  const client = { clientId: "c", clientSecret: "client-secret-never-shown" };

  it("token endpoint: too large and too slow", async () => {
    for (const [path, words] of [
      ["/streamed", /sent too large an answer: .* larger than 4096 bytes/],
      ["/declared", /sent too large an answer: .* larger than 4096 bytes/],
      ["/never", /did not answer within 400 ms/],
    ] as const) {
      const error = await rejection(
        clientCredentialsToken({
          endpoints: { tokenUrl: `${base}/token${path}`, tokenAuthMethod: "client_secret_basic" },
          client,
          scopes: [],
          delimiter: "space",
          transport: transport(),
        }),
      );
      expect(error).toBeInstanceOf(OAuth2Error);
      expect((error as OAuth2Error).message).toMatch(words);
      expect((error as OAuth2Error).message).not.toContain(client.clientSecret);
    }
  });

  it("discovery: a metadata document past the cap is refused", async () => {
    const error = await rejection(discover(`${base}/issuer/declared`, transport()));
    expect(error).toBeInstanceOf(OAuth2Error);
    expect((error as OAuth2Error).code).toBe("discovery_error");
    expect((error as OAuth2Error).message).toMatch(/larger than 4096 bytes/);
  });

  it("revocation: too large and too slow", async () => {
    for (const path of ["/declared", "/never"]) {
      const error = await rejection(
        revokeToken({
          endpoints: {
            tokenUrl: `${base}/token/small`,
            revocationUrl: `${base}/revoke${path}`,
            tokenAuthMethod: "client_secret_basic",
          },
          client,
          token: "token-to-revoke",
          tokenTypeHint: "refresh_token",
          transport: transport(),
        }),
      );
      expect(error).toBeInstanceOf(OAuth2Error);
      expect((error as OAuth2Error).message).toMatch(
        path === "/never" ? /did not answer within 400 ms/ : /larger than 4096 bytes/,
      );
      expect((error as OAuth2Error).message).not.toContain("token-to-revoke");
    }
  });

  it("OAuth 1.0a request token: an endpoint that never answers is given up at the deadline", async () => {
    const started = performance.now();
    const error = await rejection(
      fetchRequestToken({
        consumerKey: "ck",
        consumerSecret: "consumer-secret-never-shown",
        paramType: "header",
        fetch: small(),
        requestTokenUrl: `${base}/request-token/never`,
        callbackUrl: "http://127.0.0.1:3999/api/oauth/callback/x",
      }),
    );
    expect(error).toBeInstanceOf(OAuth1Error);
    expect((error as OAuth1Error).message).toMatch(/did not answer within 400 ms/);
    expect((error as OAuth1Error).message).not.toContain("consumer-secret-never-shown");
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
