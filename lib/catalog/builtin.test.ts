import { describe, expect, it } from "vitest";
import * as lucide from "lucide-react";
import { builtinCatalog, builtinCatalogSource } from "./builtin";
import { catalogEntrySchema, catalogIcons, defaultScopes, type CatalogEntry } from "./schema";
import { isUrlAllowed } from "@/lib/validation/hosts";

const byLink = new Map(builtinCatalog.map((e) => [e.linkName, e]));

function entry(linkName: string): CatalogEntry {
  const e = byLink.get(linkName);
  if (!e) throw new Error(`built-in catalogue has no "${linkName}"`);
  return e;
}

describe("built-in catalogue", () => {
  it("has at least 30 entries", () => {
    expect(builtinCatalog.length).toBeGreaterThanOrEqual(30);
  });

  it.each(builtinCatalogSource.map((e) => [e.linkName, e] as const))("%s passes the strict schema", (_, raw) => {
    const result = catalogEntrySchema.safeParse(raw);
    if (!result.success) throw new Error(result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  });

  it("uses unique link names and unique display names", () => {
    const links = builtinCatalog.map((e) => e.linkName);
    expect(new Set(links).size).toBe(links.length);
    const names = builtinCatalog.map((e) => e.name.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ["google_drive", "oauth2"],
    ["gmail", "oauth2"],
    ["google_sheets", "oauth2"],
    ["google_calendar", "oauth2"],
    ["dropbox", "oauth2"],
    ["box", "oauth2"],
    ["onedrive", "oauth2"],
    ["slack", "oauth2"],
    ["github", "oauth2"],
    ["gitlab", "oauth2"],
    ["zoom", "oauth2"],
    ["salesforce", "oauth2"],
    ["hubspot", "oauth2"],
    ["asana", "oauth2"],
    ["notion", "oauth2"],
    ["airtable", "oauth2"],
    ["trello", "oauth1"],
    ["x_twitter", "oauth2"],
    ["mailchimp", "oauth2"],
    ["surveymonkey", "oauth2"],
    ["eventbrite", "oauth2"],
    ["pandadoc", "oauth2"],
    ["stripe", "api_key"],
    ["openai", "api_key"],
    ["twilio", "basic"],
    ["sendgrid", "api_key"],
  ] as const)("includes %s as %s", (linkName, authType) => {
    expect(entry(linkName).authType).toBe(authType);
  });

  it("every default scope is one of the entry's scopes, and scope names are unique", () => {
    for (const e of builtinCatalog) {
      if (!e.oauth2) continue;
      const names = e.oauth2.scopes.map((s) => s.name);
      expect(new Set(names).size, e.linkName).toBe(names.length);
      for (const d of defaultScopes(e)) expect(names, e.linkName).toContain(d);
    }
  });

  it("uses https everywhere, and the API base is an allowed host", () => {
    for (const e of builtinCatalog) {
      const urls = [
        e.docsUrl,
        e.api.baseUrl,
        e.oauth2?.authorizeUrl,
        e.oauth2?.tokenUrl,
        e.oauth2?.refreshUrl,
        e.oauth2?.revocationUrl,
        e.oauth2?.issuer,
        e.oauth1?.requestTokenUrl,
        e.oauth1?.authorizeUrl,
        e.oauth1?.accessTokenUrl,
      ].filter((u): u is string => u !== undefined);
      for (const u of urls) expect(new URL(u).protocol, `${e.linkName} ${u}`).toBe("https:");
      expect(isUrlAllowed(e.api.allowedHosts, e.api.baseUrl), e.linkName).toBe(true);
    }
  });

  it("records a verify request for every entry but Google Sheets (no who-am-I call there)", () => {
    const missing = builtinCatalog.filter((e) => !e.verify).map((e) => e.linkName);
    expect(missing).toEqual(["google_sheets"]);
    for (const e of builtinCatalog) {
      if (!e.verify) continue;
      const target = new URL(e.api.baseUrl.replace(/\/$/, "") + e.verify.path);
      expect(isUrlAllowed(e.api.allowedHosts, target.href), e.linkName).toBe(true);
    }
  });

  it("fills defaults: refreshUrl falls back to tokenUrl, grant type and param type", () => {
    const github = entry("github").oauth2!;
    expect(github.refreshUrl).toBe(github.tokenUrl);
    expect(github.grantType).toBe("authorization_code");
    expect(github.paramType).toBe("header");
    expect(entry("paypal").oauth2!.grantType).toBe("client_credentials");
  });

  it("configures the Google services as documented", () => {
    for (const link of ["google_drive", "gmail", "google_sheets", "google_calendar"]) {
      const o = entry(link).oauth2!;
      expect(o.extraAuthorizeParams).toMatchObject({ access_type: "offline", prompt: "consent" });
      expect(o.revocationUrl).toBe("https://oauth2.googleapis.com/revoke");
      expect(o.tokenUrl).toBe("https://oauth2.googleapis.com/token");
      expect(o.pkce).toBe(true);
      expect(o.scopeDelimiter).toBe("space");
    }
    expect(entry("google_drive").verify).toEqual({ method: "GET", path: "/drive/v3/about?fields=user" });
  });

  it("configures a few providers' specifics as documented", () => {
    expect(entry("slack").oauth2).toMatchObject({
      authorizeUrl: "https://slack.com/oauth/v2/authorize",
      tokenUrl: "https://slack.com/api/oauth.v2.access",
      scopeDelimiter: "comma",
    });
    expect(entry("github").verify).toEqual({ method: "GET", path: "/user" });
    expect(entry("airtable").oauth2!.pkce).toBe(true);
    expect(entry("x_twitter").oauth2!.pkce).toBe(true);
    expect(entry("onedrive").oauth2!.scopes.map((s) => s.name)).toEqual(expect.arrayContaining(["Files.Read", "offline_access"]));
    expect(entry("trello").oauth1).toMatchObject({
      requestTokenUrl: "https://trello.com/1/OAuthGetRequestToken",
      authorizeUrl: "https://trello.com/1/OAuthAuthorizeToken",
      accessTokenUrl: "https://trello.com/1/OAuthGetAccessToken",
      signatureMethod: "HMAC-SHA1",
    });
    expect(entry("stripe").apiKey!.params).toEqual([
      { name: "Authorization", displayName: "Secret Key", paramType: "header", prefix: "Bearer " },
    ]);
    expect(entry("openai").apiKey!.params[0]).toMatchObject({ name: "Authorization", prefix: "Bearer " });
    expect(entry("sendgrid").apiKey!.params[0]).toMatchObject({ name: "Authorization", prefix: "Bearer " });
    expect(entry("twilio").basic).toEqual({ usernameLabel: "Account SID", passwordLabel: "Auth Token" });
  });

  it("uses only icons lucide-react exports", () => {
    const exported = lucide as unknown as Record<string, unknown>;
    for (const icon of catalogIcons) expect(exported[icon], icon).toBeDefined();
  });
});
