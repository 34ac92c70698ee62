import "server-only";
import { readFileSync } from "node:fs";
import type { CatalogEntry } from "./schema";
import { CatalogError, validateEntries } from "./validate";

export { CatalogError } from "./validate";

export interface CatalogLoadOptions {
  /**
   * Accept plain http:// endpoints (a loopback identity provider in tests or
   * development). The caller derives it from its own configuration; this
   * module reads no environment.
   */
  allowInsecure: boolean;
}

/**
 * Parses the text of an extra catalogue file: a JSON array of entries in the
 * same shape as the built-in ones. `source` names the file in messages.
 * Throws CatalogError listing every problem (file, entry index and linkName,
 * field path, rule); returns the validated entries with defaults filled.
 */
export function parseCatalogFile(jsonText: string, source: string, opts: CatalogLoadOptions): CatalogEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new CatalogError(source, [`${source}: is not valid JSON (${detail})`]);
  }
  if (!Array.isArray(data)) {
    const got = data === null ? "null" : typeof data;
    throw new CatalogError(source, [`${source}: must contain a JSON array of catalogue entries (got ${got})`]);
  }
  return validateEntries(data, source, { allowInsecure: opts.allowInsecure });
}

/** Reads and parses an extra catalogue file from disk (see parseCatalogFile). */
export function readCatalogFile(path: string, opts: CatalogLoadOptions): CatalogEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? String(err)})`;
    throw new CatalogError(path, [`${path}: catalogue file ${reason}`]);
  }
  return parseCatalogFile(text, path, opts);
}

/**
 * The built-in entries followed by the extra ones. An extra entry may not
 * take a link name that a built-in entry or another extra entry already uses:
 * scripts refer to services by link name, so a silent override would change
 * where their credentials go.
 */
export function mergeCatalog(builtin: readonly CatalogEntry[], extra: readonly CatalogEntry[]): CatalogEntry[] {
  const builtinByLink = new Map(builtin.map((e) => [e.linkName, e]));
  const extraIndex = new Map<string, number>();
  const problems: string[] = [];

  extra.forEach((entry, index) => {
    const clash = builtinByLink.get(entry.linkName);
    if (clash) {
      problems.push(
        `extra catalogue entry ${index} ("${entry.name}") uses linkName "${entry.linkName}", which the built-in service "${clash.name}" already has; choose another linkName`,
      );
      return;
    }
    const earlier = extraIndex.get(entry.linkName);
    if (earlier !== undefined) {
      problems.push(
        `extra catalogue entry ${index} ("${entry.name}") uses linkName "${entry.linkName}", which extra entry ${earlier} already has; link names must be unique`,
      );
      return;
    }
    extraIndex.set(entry.linkName, index);
  });

  if (problems.length > 0) throw new CatalogError("extra catalogue", problems);
  return [...builtin, ...extra];
}
