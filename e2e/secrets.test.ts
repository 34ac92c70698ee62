import { describe, expect, it } from "vitest";
import { capturingServerLog, findSecretsInLog } from "./secrets";

const secrets = [{ label: "the client secret", value: "client-secret-abc123" }];

describe("findSecretsInLog", () => {
  it("finds nothing in a log of redacted JSON lines and Next's own output", () => {
    const log = [
      "▲ Next.js 16.4.0",
      '{"level":"info","time":"2026-12-02T19:00:00.000Z","msg":"seeded","req":{"headers":{"authorization":"[redacted]"}}}',
      '{"level":"error","msg":"invoke failed","error":"TypeError","requestId":"abc"}',
    ].join("\n");
    expect(findSecretsInLog(log, secrets)).toEqual([]);
  });

  it("names a known secret, a token-shaped value and an unredacted secret field by line, never quoting them", () => {
    const log = [
      "ok",
      "token exchange failed: client_secret=client-secret-abc123",
      "calling with cxn_abcdefghijklmnopqrstuvwx",
      '{"level":"info","msg":"x","credential":{"refresh_token":"rt-1"}}',
      "Authorization: Bearer abcdefghijklmnop1234",
      "id_token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln",
    ].join("\n");
    const findings = findSecretsInLog(log, secrets);
    expect(findings).toEqual([
      "the client secret at line 2",
      "a personal access token (cxn_…) at line 3",
      "unredacted field credential.refresh_token at line 4",
      "a bearer credential at line 5",
      "a JWT or JWE (an ID token, a session cookie) at line 6",
    ]);
    expect(findings.join("\n")).not.toContain("client-secret-abc123");
  });

  it("quotes the server command for sh, whatever it holds", () => {
    expect(capturingServerLog("a && echo 'b'")).toMatch(/ 'a && echo '\\''b'\\'''$/);
  });
});
