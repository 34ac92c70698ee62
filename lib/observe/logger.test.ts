import { describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, errorName, nodeRequestContext, requestIdFor, requestLogger, REDACT_PATHS } from "./logger";

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (chunk: string) => void lines.push(...chunk.split("\n").filter(Boolean)) } };
}

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("logger", () => {
  it("writes one JSON object per line with an ISO time, a level label and the message", () => {
    const { lines, destination } = capture();
    createLogger({ level: "info", destination }).info({ connectionId: "c1" }, "refreshed a token");
    expect(lines).toHaveLength(1);
    const [entry] = parsed(lines);
    expect(entry).toMatchObject({ level: "info", msg: "refreshed a token", connectionId: "c1", name: "connections" });
    expect(new Date(entry!.time as string).toISOString()).toBe(entry!.time);
  });

  it("drops entries below its level", () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: "warn", destination });
    log.info("hidden");
    log.debug("hidden too");
    log.warn("shown");
    expect(parsed(lines).map((e) => e.msg)).toEqual(["shown"]);
  });

  it("redacts secret fields at the top level and two objects down, keeping the rest", () => {
    const { lines, destination } = capture();
    const secrets = [
      "Bearer cxn_0123456789abcdef",
      "session=abc123secretcookie",
      "hunter2-password",
      "at-9f8e7d6c5b4a",
      "rt-1a2b3c4d5e6f",
      "client-secret-77aa",
      "sk_live_apikey_42",
      "whsec_signing_0099",
    ];
    createLogger({ level: "info", destination }).info(
      {
        password: secrets[2],
        req: { headers: { authorization: secrets[0], cookie: secrets[1], "user-agent": "curl/8" } },
        credential: { tokens: { access_token: secrets[3], refresh_token: secrets[4] }, client_secret: secrets[5] },
        service: { apiKey: secrets[6] },
        webhook: { signingSecret: secrets[7] },
      },
      "an event with secrets in it",
    );
    const text = lines.join("\n");
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(parsed(lines)[0]).toMatchObject({
      password: "[redacted]",
      req: { headers: { authorization: "[redacted]", cookie: "[redacted]", "user-agent": "curl/8" } },
      credential: { tokens: { access_token: "[redacted]", refresh_token: "[redacted]" }, client_secret: "[redacted]" },
      service: { apiKey: "[redacted]" },
      webhook: { signingSecret: "[redacted]" },
    });
  });

  it("covers header names that are not identifiers", () => {
    expect(REDACT_PATHS).toContain('*["set-cookie"]');
    const { lines, destination } = capture();
    createLogger({ level: "info", destination }).info({ headers: { "set-cookie": "sid=s3cr3t-value" } }, "answer");
    expect(lines.join("\n")).not.toContain("s3cr3t-value");
  });

  it("names an unknown error by its class only", () => {
    expect(errorName(new TypeError("token=abc"))).toBe("TypeError");
    expect(errorName("x")).toBe("string");
  });
});

describe("requestIdFor", () => {
  it("keeps a short id of safe characters from Fetch headers or Node's header object", () => {
    expect(requestIdFor(new Headers({ "x-request-id": "abc-123_X.y:z" }))).toBe("abc-123_X.y:z");
    expect(requestIdFor({ "x-request-id": "from-node-1" })).toBe("from-node-1");
    expect(requestIdFor({ "x-request-id": ["first-1", "second"] })).toBe("first-1");
  });

  it("replaces a missing, long or unsafe id with a fresh UUID", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const given of [undefined, "", "a".repeat(65), "bad id", "x\r\nset-cookie: y", "<script>", "ü"]) {
      const headers = new Headers();
      if (given !== undefined && !/[\r\n]/.test(given) && /^[\x20-\x7e]*$/.test(given)) headers.set("x-request-id", given);
      expect(requestIdFor(headers)).toMatch(uuid);
      expect(requestIdFor(given === undefined ? {} : { "x-request-id": given })).toMatch(uuid);
    }
    expect(requestIdFor(new Headers())).not.toBe(requestIdFor(new Headers()));
  });

  it("gives a request logger the id proxy.ts set, and none for an invalid one", () => {
    expect(requestLogger(new Headers({ "x-request-id": "req-1" })).bindings()).toMatchObject({ requestId: "req-1" });
    expect(requestLogger(new Headers({ "x-request-id": "bad id" })).bindings()).not.toHaveProperty("requestId");
  });
});

describe("nodeRequestContext", () => {
  it("answers a plain Node request with its request id and logs under it", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      const { requestId, log } = nodeRequestContext(req, res);
      seen.push(String(log.bindings().requestId));
      res.end(requestId);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const kept = await fetch(url, { headers: { "x-request-id": "node-req-1" } });
      expect(kept.headers.get("x-request-id")).toBe("node-req-1");
      expect(await kept.text()).toBe("node-req-1");
      const fresh = await fetch(url, { headers: { "x-request-id": "no good" } });
      expect(fresh.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen).toEqual(["node-req-1", fresh.headers.get("x-request-id")]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
