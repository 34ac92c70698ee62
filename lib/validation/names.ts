import { z } from "zod";

// Shared by the server (the authority) and the forms (docs/product.md §3): no server imports here.

/** Most characters a display name may have, after trimming (docs/product.md §3). */
export const DISPLAY_NAME_MAX = 50;
/** Most characters a link name may have (docs/product.md §3). */
export const LINK_NAME_MAX = 50;
/** The whole link-name rule as one pattern, e.g. for an input's `pattern` attribute (docs/product.md §3). */
export const linkNamePattern = /^[a-z][a-z0-9_]{0,49}$/;

export const displayNameMessages = {
  required: "Name is required",
  tooLong: `Name can contain up to ${DISPLAY_NAME_MAX} characters`,
} as const;

export const linkNameMessages = {
  required: "Link name is required",
  start: "Link name must begin with a lower-case letter",
  characters: "Link name can contain only lower-case letters, numbers and underscores (_)",
  tooLong: `Link name can contain up to ${LINK_NAME_MAX} characters`,
} as const;

/**
 * Characters as Unicode code points: what Postgres `varchar(n)` counts, and never half an
 * emoji. A flag or family emoji (several code points) counts as several.
 */
export function countCharacters(text: string): number {
  return Array.from(text).length;
}

/** A missing value reads as "required"; any other wrong type keeps zod's own message. */
function requiredWhenMissing(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined || issue.input === null ? message : undefined);
}

/**
 * "Connection Name" / "Service Name": trimmed, then 1–50 characters (docs/product.md §3).
 * Characters are code points; see `countCharacters`.
 */
export const displayNameSchema = z
  .string({ error: requiredWhenMissing(displayNameMessages.required) })
  .trim()
  .min(1, displayNameMessages.required)
  .refine((name) => countCharacters(name) <= DISPLAY_NAME_MAX, displayNameMessages.tooLong);

/**
 * The first link-name rule that `linkName` breaks, checked in the order docs/product.md §3 lists
 * them, or null when it matches `^[a-z][a-z0-9_]{0,49}$`.
 */
export function linkNameProblem(linkName: string): string | null {
  if (linkName.length === 0) return linkNameMessages.required;
  if (!/^[a-z]/.test(linkName)) return linkNameMessages.start;
  if (!/^[a-z0-9_]*$/.test(linkName)) return linkNameMessages.characters;
  // Only ASCII is left by now, so UTF-16 length is the character count.
  if (linkName.length > LINK_NAME_MAX) return linkNameMessages.tooLong;
  return null;
}

/**
 * "Connection Link Name" / "Service LinkName" (docs/product.md §3): never trimmed, because scripts
 * call it by its exact spelling; one message naming the first rule that failed.
 */
export const linkNameSchema = z.string({ error: requiredWhenMissing(linkNameMessages.required) }).superRefine((linkName, ctx) => {
  const problem = linkNameProblem(linkName);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * A link name to prefill from a display name: diacritics dropped ("Café" → "cafe"),
 * lower-cased, runs of other characters turned into `_`, leading non-letters and trailing
 * `_` removed, at most 50 characters. Returns "" when nothing usable is left (e.g. "123");
 * any other result passes `linkNameSchema`.
 */
export function suggestLinkName(displayName: string): string {
  const folded = displayName
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
  return folded
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, LINK_NAME_MAX)
    .replace(/_+$/, "");
}

/** The name fields of a connection form and its server action (docs/product.md §3). */
export const connectionNamesSchema = z.object({ name: displayNameSchema, linkName: linkNameSchema });
export type ConnectionNames = z.infer<typeof connectionNamesSchema>;

/** The name fields of a custom service form and its server action (docs/product.md §3). */
export const serviceNamesSchema = z.object({ name: displayNameSchema, linkName: linkNameSchema });
export type ServiceNames = z.infer<typeof serviceNamesSchema>;
