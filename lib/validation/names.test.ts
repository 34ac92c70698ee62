import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  connectionNamesSchema,
  displayNameMessages,
  displayNameSchema,
  linkNameMessages,
  linkNameSchema,
  serviceNamesSchema,
  suggestLinkName,
} from "./names";

const linkNameRegex = /^[a-z][a-z0-9_]{0,49}$/;

/** The messages of a failed parse, or [] when it passed. */
function messagesOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe("displayNameSchema", () => {
  it.each([
    ["x", "x"],
    ["  x  ", "x"],
    ["\tGitHub (work)\n", "GitHub (work)"],
    ["a".repeat(50), "a".repeat(50)],
    [` ${"a".repeat(50)} `, "a".repeat(50)],
  ])("accepts %j as %j", (input, output) => {
    expect(displayNameSchema.parse(input)).toBe(output);
  });

  it.each(["", "   ", "\n\t", undefined, null])("rejects %j as required", (input) => {
    expect(messagesOf(displayNameSchema, input)).toEqual([displayNameMessages.required]);
  });

  it("rejects 51 characters as too long", () => {
    expect(messagesOf(displayNameSchema, "a".repeat(51))).toEqual([displayNameMessages.tooLong]);
  });

  // Characters are code points: "😀" is one (two UTF-16 units); "👍🏽" is two (emoji + skin tone).
  it("counts an emoji as one character, not two UTF-16 units", () => {
    expect(displayNameSchema.safeParse("😀".repeat(50)).success).toBe(true);
    expect(messagesOf(displayNameSchema, "😀".repeat(51))).toEqual([displayNameMessages.tooLong]);
    expect(displayNameSchema.safeParse("👍🏽".repeat(25)).success).toBe(true);
    expect(displayNameSchema.safeParse(`${"👍🏽".repeat(25)}x`).success).toBe(false);
  });
});

describe("linkNameSchema", () => {
  it.each(["a", "a_1", "abc_def9", "z".repeat(50), `a${"_".repeat(49)}`, "github_work"])("accepts %j", (input) => {
    expect(linkNameSchema.parse(input)).toBe(input);
  });

  it.each<[string, unknown, string]>([
    ["empty", "", linkNameMessages.required],
    ["missing", undefined, linkNameMessages.required],
    ["a leading digit", "1abc", linkNameMessages.start],
    ["a leading underscore", "_abc", linkNameMessages.start],
    ["a leading capital", "Abc", linkNameMessages.start],
    ["a leading space (no silent trim)", " abc", linkNameMessages.start],
    ["a non-ASCII letter", "é", linkNameMessages.start],
    ["a hyphen", "ab-c", linkNameMessages.characters],
    ["a space", "ab c", linkNameMessages.characters],
    ["a trailing space (no silent trim)", "abc ", linkNameMessages.characters],
    ["a capital later on", "aBc", linkNameMessages.characters],
    ["an accented letter later on", "caf\u00e9", linkNameMessages.characters],
    ["51 characters", "a".repeat(51), linkNameMessages.tooLong],
    ["too long and a bad character: the character rule comes first", `${"a".repeat(51)}-`, linkNameMessages.characters],
  ])("rejects %s with its own message", (_label, input, message) => {
    expect(messagesOf(linkNameSchema, input)).toEqual([message]);
  });

  it("accepts only strings that match ^[a-z][a-z0-9_]{0,49}$", () => {
    const nearLinkName = fc.stringMatching(/^[a-zA-Z0-9_ é-]{0,55}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), nearLinkName, fc.stringMatching(linkNameRegex)), (input) => {
        expect(linkNameSchema.safeParse(input).success).toBe(linkNameRegex.test(input));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("suggestLinkName", () => {
  it.each([
    ["GitHub", "github"],
    ["My Service", "my_service"],
    ["  Google  Sheets (work)!  ", "google_sheets_work"],
    ["Café Crème", "cafe_creme"],
    ["123 Slack", "slack"],
    ["_private-API v2", "private_api_v2"],
    ["123", ""],
    ["😀", ""],
    ["", ""],
    [`${"a".repeat(49)} b`, "a".repeat(49)],
  ])("suggests %j for %j", (displayName, expected) => {
    expect(suggestLinkName(displayName)).toBe(expected);
  });

  it('returns "" or a link name the schema accepts, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })), (displayName) => {
        const suggestion = suggestLinkName(displayName);
        expect(suggestion === "" || linkNameSchema.safeParse(suggestion).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("connectionNamesSchema / serviceNamesSchema", () => {
  it.each([
    ["connection", connectionNamesSchema],
    ["service", serviceNamesSchema],
  ] as const)("%s: trims the name, keeps the link name, reports each field", (_label, schema) => {
    expect(schema.parse({ name: " Slack ", linkName: "slack" })).toEqual({ name: "Slack", linkName: "slack" });
    const result = schema.safeParse({ name: " ", linkName: "Slack" });
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(fields).toEqual([
      ["name", displayNameMessages.required],
      ["linkName", linkNameMessages.start],
    ]);
  });
});
