import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinCatalog } from "./builtin";
import { CatalogError, mergeCatalog, parseCatalogFile, readCatalogFile } from "./load";

/** An entry for a loopback OpenID provider, as the end-to-end tests use one. */
function localIdp(overrides: Record<string, unknown> = {}): Record<string, unknown> & { oauth2: Record<string, unknown> } {
  return {
    name: "Local IdP",
    linkName: "local_idp",
    category: "Identity",
    description: "Loopback OpenID provider for tests.",
    icon: "KeyRound",
    authType: "oauth2",
    docsUrl: "http://127.0.0.1:4000/",
    api: { baseUrl: "http://127.0.0.1:4000", allowedHosts: ["127.0.0.1"] },
    verify: { method: "GET", path: "/me" },
    oauth2: {
      authorizeUrl: "http://127.0.0.1:4000/auth",
      tokenUrl: "http://127.0.0.1:4000/token",
      revocationUrl: "http://127.0.0.1:4000/token/revocation",
      issuer: "http://127.0.0.1:4000",
      scopes: [
        { name: "openid", description: "Your identifier", default: true },
        { name: "profile", description: "Your name", default: false },
      ],
      scopeDelimiter: "space",
      pkce: true,
      tokenAuthMethod: "client_secret_basic",
    },
    ...overrides,
  };
}

const insecure = { allowInsecure: true };
const strict = { allowInsecure: false };

/** The problems a parse reports (fails the test when it does not throw). */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CatalogError);
    return (err as CatalogError).problems;
  }
  throw new Error("expected a CatalogError");
}

describe("parseCatalogFile", () => {
  it("accepts a loopback OIDC provider with allowInsecure and fills defaults", () => {
    const [entry] = parseCatalogFile(JSON.stringify([localIdp()]), "extra.json", insecure);
    expect(entry.linkName).toBe("local_idp");
    expect(entry.oauth2).toMatchObject({
      authorizeUrl: "http://127.0.0.1:4000/auth",
      refreshUrl: "http://127.0.0.1:4000/token",
      grantType: "authorization_code",
      paramType: "header",
      extraAuthorizeParams: {},
    });
  });

  it("accepts an empty array", () => {
    expect(parseCatalogFile("[]", "extra.json", strict)).toEqual([]);
  });

  it("rejects text that is not JSON, naming the file", () => {
    const [problem] = problemsOf(() => parseCatalogFile("[{ name: ", "extra.json", insecure));
    expect(problem).toMatch(/^extra\.json: is not valid JSON \(.+\)$/);
  });

  it("rejects JSON that is not an array", () => {
    expect(problemsOf(() => parseCatalogFile('{"entries": []}', "extra.json", insecure))).toEqual([
      "extra.json: must contain a JSON array of catalogue entries (got object)",
    ]);
  });

  it("rejects a missing tokenUrl, naming file, entry, field and rule", () => {
    const raw = localIdp();
    delete (raw.oauth2 as Record<string, unknown>).tokenUrl;
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at oauth2.tokenUrl: oauth2.tokenUrl is required',
    ]);
  });

  it("rejects a bad linkName with the pattern it must match", () => {
    const problems = problemsOf(() =>
      parseCatalogFile(JSON.stringify([localIdp({ linkName: "Local-IdP" })]), "extra.json", insecure),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      'extra.json: entry 0 (linkName "Local-IdP") at linkName: linkName must match ^[a-z][a-z0-9_]{0,49}$',
    );
  });

  it("rejects http:// URLs without allowInsecure, one problem per URL", () => {
    const problems = problemsOf(() => parseCatalogFile(JSON.stringify([localIdp()]), "extra.json", strict));
    const fields = ["docsUrl", "api.baseUrl", "oauth2.authorizeUrl", "oauth2.tokenUrl", "oauth2.revocationUrl", "oauth2.issuer"];
    expect(problems).toHaveLength(fields.length);
    for (const field of fields) {
      expect(problems).toContain(
        `extra.json: entry 0 (linkName "local_idp") at ${field}: ${field} must use https:// (plain http:// is accepted only from an extra catalogue file loaded with allowInsecure)`,
      );
    }
  });

  it("rejects other schemes even with allowInsecure", () => {
    const raw = localIdp();
    (raw.oauth2 as Record<string, unknown>).tokenUrl = "ftp://127.0.0.1/token";
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at oauth2.tokenUrl: oauth2.tokenUrl must use https:// (got "ftp:")',
    ]);
  });

  it("rejects a block that does not match the authType, and the missing one", () => {
    const problems = problemsOf(() =>
      parseCatalogFile(JSON.stringify([localIdp({ authType: "api_key" })]), "extra.json", insecure),
    );
    expect(problems).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at oauth2: "oauth2" block is only allowed when authType is "oauth2" (this entry\'s authType is "api_key")',
      'extra.json: entry 0 (linkName "local_idp") at apiKey: authType "api_key" requires an "apiKey" block',
    ]);
  });

  it("accepts a basic entry without a basic block and fills its labels", () => {
    const raw = localIdp({ authType: "basic", oauth2: undefined });
    const [entry] = parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure);
    expect(entry.basic).toEqual({ usernameLabel: "Username", passwordLabel: "Password" });
  });

  it("rejects unknown fields (strict objects)", () => {
    const raw = localIdp();
    (raw.oauth2 as Record<string, unknown>).tokenURL = "http://127.0.0.1:4000/token";
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at oauth2: oauth2 has unknown field(s) "tokenURL"',
    ]);
  });

  it("rejects an API base URL whose host is not an allowed host", () => {
    const raw = localIdp({ api: { baseUrl: "http://localhost:4000", allowedHosts: ["127.0.0.1"] } });
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at api.baseUrl: api.baseUrl host "localhost" must match one of api.allowedHosts (127.0.0.1)',
    ]);
  });

  it("rejects bad host patterns, bad enums and a missing authorizeUrl", () => {
    const raw = localIdp({ api: { baseUrl: "http://127.0.0.1:4000", allowedHosts: ["127.0.0.1", "*.com"] } });
    const o2 = raw.oauth2 as Record<string, unknown>;
    o2.scopeDelimiter = "semicolon";
    delete o2.authorizeUrl;
    const problems = problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure));
    expect(problems).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at api.allowedHosts[1]: api.allowedHosts entry "*.com" a wildcard must keep at least two labels after "*." (e.g. "*.example.com", not "*.com")',
      'extra.json: entry 0 (linkName "local_idp") at oauth2.scopeDelimiter: oauth2.scopeDelimiter must be one of "comma", "space", "plus"',
    ]);
    // authorizeUrl is checked once the fields themselves are valid
    o2.scopeDelimiter = "space";
    raw.api = { baseUrl: "http://127.0.0.1:4000", allowedHosts: ["127.0.0.1"] };
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at oauth2.authorizeUrl: oauth2.authorizeUrl is required when oauth2.grantType is "authorization_code"',
    ]);
  });

  it("accepts a client-credentials entry without authorizeUrl, but not with PKCE", () => {
    const raw = localIdp();
    const o2 = raw.oauth2 as Record<string, unknown>;
    delete o2.authorizeUrl;
    o2.grantType = "client_credentials";
    o2.pkce = false;
    expect(parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure)[0].oauth2?.grantType).toBe("client_credentials");
    o2.pkce = true;
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))[0]).toContain(
      'at oauth2.pkce: oauth2.pkce must be false when oauth2.grantType is "client_credentials"',
    );
  });

  it("reports every bad entry, by index, and duplicates within the file", () => {
    const good = localIdp();
    const unnamed = { ...localIdp(), linkName: undefined };
    const again = localIdp({ name: "Local IdP again" });
    const problems = problemsOf(() => parseCatalogFile(JSON.stringify([good, unnamed, again]), "extra.json", insecure));
    expect(problems).toEqual([
      "extra.json: entry 1 at linkName: linkName is required",
      'extra.json: entry 2 (linkName "local_idp") at linkName: linkName "local_idp" is already used by entry 0; link names must be unique',
    ]);
  });

  it("validates API key parameters", () => {
    const raw = localIdp({
      authType: "api_key",
      oauth2: undefined,
      apiKey: {
        params: [
          { name: "X-Key", displayName: "Key", paramType: "header" },
          { name: "x-key", displayName: "Key again", paramType: "header" },
          { name: "key", displayName: "Key", paramType: "cookie" },
        ],
      },
    });
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at apiKey.params[2].paramType: apiKey parameter paramType must be one of "query", "form", "header"',
    ]);
    (raw.apiKey as { params: unknown[] }).params.pop();
    expect(problemsOf(() => parseCatalogFile(JSON.stringify([raw]), "extra.json", insecure))).toEqual([
      'extra.json: entry 0 (linkName "local_idp") at apiKey.params[1].name: apiKey.params has "x-key" (header) more than once; each parameter must be unique',
    ]);
  });
});

describe("mergeCatalog", () => {
  const [idp] = parseCatalogFile(JSON.stringify([localIdp()]), "extra.json", insecure);

  it("appends extra entries after the built-in ones", () => {
    const merged = mergeCatalog(builtinCatalog, [idp]);
    expect(merged).toHaveLength(builtinCatalog.length + 1);
    expect(merged.at(-1)).toBe(idp);
  });

  it("rejects an extra entry that takes a built-in link name", () => {
    const [clash] = parseCatalogFile(
      JSON.stringify([localIdp({ linkName: "github", name: "My GitHub" })]),
      "extra.json",
      insecure,
    );
    expect(problemsOf(() => mergeCatalog(builtinCatalog, [clash]))).toEqual([
      'extra catalogue entry 0 ("My GitHub") uses linkName "github", which the built-in service "GitHub" already has; choose another linkName',
    ]);
  });

  it("rejects two extra entries with the same link name", () => {
    expect(problemsOf(() => mergeCatalog(builtinCatalog, [idp, { ...idp, name: "Twin" }]))).toEqual([
      'extra catalogue entry 1 ("Twin") uses linkName "local_idp", which extra entry 0 already has; link names must be unique',
    ]);
  });
});

describe("readCatalogFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "catalog-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads and validates a file from disk, naming it in messages", () => {
    const file = join(dir, "extra.json");
    writeFileSync(file, JSON.stringify([localIdp()]));
    expect(readCatalogFile(file, insecure).map((e) => e.linkName)).toEqual(["local_idp"]);
    expect(problemsOf(() => readCatalogFile(file, strict))[0]).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: entry 0 \\(linkName "local_idp"\\) at docsUrl: `),
    );
  });

  it("says when the file does not exist", () => {
    const file = join(dir, "missing.json");
    expect(problemsOf(() => readCatalogFile(file, insecure))).toEqual([`${file}: catalogue file does not exist`]);
  });
});
