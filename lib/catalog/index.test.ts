import { describe, expect, it } from "vitest";
import {
  builtinCatalog,
  catalogCategories,
  catalogCategoryNames,
  findCatalogEntry,
  hostMatchesPattern,
  isHostAllowed,
  searchCatalog,
} from "./index";

describe("findCatalogEntry", () => {
  it("finds by link name", () => {
    expect(findCatalogEntry(builtinCatalog, "github")?.name).toBe("GitHub");
    expect(findCatalogEntry(builtinCatalog, "nope")).toBeUndefined();
  });
});

describe("catalogCategories", () => {
  it("groups every entry once, in display order, names sorted, no empty groups", () => {
    const groups = catalogCategories(builtinCatalog);
    expect(groups.flatMap((g) => g.entries)).toHaveLength(builtinCatalog.length);
    const order = groups.map((g) => catalogCategoryNames.indexOf(g.category));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const g of groups) {
      expect(g.entries.length).toBeGreaterThan(0);
      expect(g.entries.every((e) => e.category === g.category)).toBe(true);
      const names = g.entries.map((e) => e.name);
      expect([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }))).toEqual(names);
    }
    expect(groups.find((g) => g.category === "Storage")?.entries.map((e) => e.linkName)).toEqual([
      "box",
      "dropbox",
      "google_drive",
      "onedrive",
    ]);
  });
});

describe("searchCatalog", () => {
  it("returns everything for an empty query", () => {
    expect(searchCatalog(builtinCatalog, "   ")).toHaveLength(builtinCatalog.length);
  });

  it("matches name, link name, category and description, case-insensitively", () => {
    expect(searchCatalog(builtinCatalog, "GITHUB").map((e) => e.linkName)).toEqual(["github"]);
    expect(searchCatalog(builtinCatalog, "google_sh").map((e) => e.linkName)).toEqual(["google_sheets"]);
    expect(searchCatalog(builtinCatalog, "payments").map((e) => e.linkName)).toEqual(["stripe", "paypal"]);
    expect(searchCatalog(builtinCatalog, "e-signatures").map((e) => e.linkName)).toEqual(["pandadoc"]);
  });

  it("requires every term and ranks name matches first", () => {
    expect(searchCatalog(builtinCatalog, "google calendar").map((e) => e.linkName)).toEqual(["google_calendar"]);
    const mail = searchCatalog(builtinCatalog, "mail").map((e) => e.linkName);
    // names starting with "mail" first, then names containing it, then descriptions/categories
    expect(mail.slice(0, 2)).toEqual(["mailchimp", "mailgun"]);
    expect(mail.indexOf("gmail")).toBeLessThan(mail.indexOf("sendgrid"));
    expect(searchCatalog(builtinCatalog, "zzz-nothing")).toEqual([]);
  });
});

describe("allowed hosts", () => {
  it("matches exact names and wildcard subdomains, never the bare suffix", () => {
    expect(hostMatchesPattern("api.github.com", "API.GitHub.com")).toBe(true);
    expect(hostMatchesPattern("*.salesforce.com", "acme.my.salesforce.com")).toBe(true);
    expect(hostMatchesPattern("*.salesforce.com", "salesforce.com")).toBe(false);
    expect(hostMatchesPattern("*.salesforce.com", "evilsalesforce.com")).toBe(false);
    expect(isHostAllowed(["a.example.com", "*.b.example.com"], "x.b.example.com")).toBe(true);
    expect(isHostAllowed(["a.example.com"], "a.example.com.evil.io")).toBe(false);
  });
});
