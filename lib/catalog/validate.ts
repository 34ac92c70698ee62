import type { z } from "zod";
import { catalogEntrySchema, createCatalogEntrySchema, type CatalogEntry, type CatalogSchemaOptions } from "./schema";

/**
 * Raised when catalogue data does not validate. `problems` holds one line per
 * issue, each naming the source, the entry (index and linkName), the field
 * path and the rule; `message` is all of them, one per line.
 */
export class CatalogError extends Error {
  override name = "CatalogError";
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? problems[0]
        : `${source}: ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}

/** "oauth2.scopes[2].name" from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** How an entry is named in messages: `entry 3 (linkName "github")`. */
export function describeEntry(index: number, raw: unknown): string {
  const linkName =
    raw && typeof raw === "object" && typeof (raw as { linkName?: unknown }).linkName === "string"
      ? (raw as { linkName: string }).linkName
      : undefined;
  return linkName !== undefined ? `entry ${index} (linkName "${linkName}")` : `entry ${index}`;
}

function issueLines(source: string, index: number, raw: unknown, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    return `${source}: ${describeEntry(index, raw)}${path ? ` at ${path}` : ""}: ${issue.message}`;
  });
}

/**
 * Validates a list of raw entries. Reports every problem of every entry, plus
 * link names used twice within the list. Throws CatalogError when anything is wrong.
 */
export function validateEntries(raw: readonly unknown[], source: string, opts: CatalogSchemaOptions): CatalogEntry[] {
  const schema = opts.allowInsecure ? createCatalogEntrySchema(opts) : catalogEntrySchema;
  const problems: string[] = [];
  const entries: CatalogEntry[] = [];
  const firstIndex = new Map<string, number>();

  raw.forEach((item, index) => {
    const result = schema.safeParse(item);
    if (!result.success) {
      problems.push(...issueLines(source, index, item, result.error));
      return;
    }
    const entry = result.data;
    const earlier = firstIndex.get(entry.linkName);
    if (earlier !== undefined) {
      problems.push(
        `${source}: ${describeEntry(index, item)} at linkName: linkName "${entry.linkName}" is already used by entry ${earlier}; link names must be unique`,
      );
      return;
    }
    firstIndex.set(entry.linkName, index);
    entries.push(entry);
  });

  if (problems.length > 0) throw new CatalogError(source, problems);
  return entries;
}
