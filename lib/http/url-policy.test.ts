import { statusOf } from "@/lib/errors";
import { describe, expect, it } from "vitest";
import { OutboundBlockedError } from "./errors";
import { checkOutboundUrl } from "./url-policy";

const production = { allowPrivateNetwork: false };
const development = { allowPrivateNetwork: true };

function refusal(raw: string, policy = production): OutboundBlockedError {
  try {
    checkOutboundUrl(raw, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(OutboundBlockedError);
    return error as OutboundBlockedError;
  }
  throw new Error(`${raw} was allowed`);
}

const ssrfTable = [
  "http://2130706433/",
  "http://0177.0.0.1/",
  "http://127.1/",
  "http://0x7f.1/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[::1]/",
  "http://169.254.169.254/latest/meta-data/",
  "http://100.64.0.1/",
  "http://10.0.0.1/",
  "http://172.16.0.1/",
  "http://192.168.1.1/",
  "http://0.0.0.0/",
  "http://[fc00::1]/",
  "http://[fd00::1]/",
  "http://[fe80::1]/",
  "http://[64:ff9b::a00:1]/",
  "http://localhost/",
  "http://api.localhost/",
  "http://printer.local/",
  "http://metadata.google.internal/",
  "http://LOCALHOST./",
];

describe("checkOutboundUrl", () => {
  it.each(ssrfTable)("refuses %s", (raw) => {
    expect(refusal(raw).code).toBe("outbound_blocked");
  });

  it.each(ssrfTable.map((raw) => raw.replace(/^http:/, "https:")))("refuses %s (not for its scheme)", (raw) => {
    const error = refusal(raw);
    expect(error.message).not.toMatch(/https/);
  });

  it.each([
    "https://user@example.com/",
    "https://user:pw@example.com/",
    "file:///etc/passwd",
    "ftp://x/",
    "gopher://x/",
    "data:,x",
    "javascript:alert(1)",
    "ws://example.com/",
    "not a url",
    "/relative/path",
  ])("refuses %s", (raw) => {
    expect(statusOf(refusal(raw).code)).toBe(400);
  });

  it("requires https unless private networks are allowed", () => {
    expect(refusal("http://example.com/").message).toMatch(/https/);
    expect(checkOutboundUrl("http://example.com/", development).host).toBe("example.com");
  });

  it("allows public hosts and public IP literals", () => {
    expect(checkOutboundUrl("https://api.example.com/v1?x=1", production).href).toBe("https://api.example.com/v1?x=1");
    expect(checkOutboundUrl("https://8.8.8.8/", production).hostname).toBe("8.8.8.8");
    expect(checkOutboundUrl("https://[2606:4700:4700::1111]/", production).hostname).toBe("[2606:4700:4700::1111]");
  });

  it("allows loopback and local names when private networks are allowed", () => {
    expect(checkOutboundUrl("http://127.0.0.1:3000/", development).port).toBe("3000");
    expect(checkOutboundUrl("http://localhost/", development).hostname).toBe("localhost");
    expect(checkOutboundUrl("http://[::1]/", development).hostname).toBe("[::1]");
  });

  it("still refuses credentials and other schemes when private networks are allowed", () => {
    refusal("http://user:pw@127.0.0.1/", development);
    refusal("file:///etc/passwd", development);
  });

  it("names the host but never the query, path or credentials", () => {
    const blocked = refusal("https://10.1.2.3:8443/secret-path?api_key=s3cr3t");
    expect(blocked.message).toContain("10.1.2.3:8443");
    expect(blocked.message).not.toMatch(/s3cr3t|secret-path/);
    const withPassword = refusal("https://alice:hunter2@example.com/?token=t0k3n");
    expect(withPassword.message).toContain("example.com");
    expect(withPassword.message).not.toMatch(/hunter2|alice|t0k3n/);
    expect(refusal("not a url?token=t0k3n").message).not.toContain("t0k3n");
  });

  it("lets an explicit address rule replace the built-in one", () => {
    const onlyLoopback = { allowPrivateNetwork: true, isAllowedAddress: (address: string) => address === "127.0.0.1" };
    expect(checkOutboundUrl("http://127.0.0.1/", onlyLoopback).hostname).toBe("127.0.0.1");
    refusal("http://10.0.0.1/", onlyLoopback);
  });
});
