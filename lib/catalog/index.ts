import { catalogCategoryNames as categoryOrder, type CatalogCategory, type CatalogEntry } from "./schema";

/**
 * Look-ups over the merged catalogue (built-in entries plus those of the extra
 * file, see `./load.ts`). Pure functions over the list the caller passes: safe
 * to use in the browser, no secrets and no I/O here.
 */

export {
  catalogCategoryNames,
  catalogEntrySchema,
  catalogIcons,
  createCatalogEntrySchema,
  defaultScopes,
  LINK_NAME_PATTERN,
  type CatalogApiKeyParam,
  type CatalogCategory,
  type CatalogEntry,
  type CatalogEntryInput,
  type CatalogIcon,
  type CatalogSchemaOptions,
  type CatalogScope,
} from "./schema";
export { builtinCatalog } from "./builtin";
export { hostMatchesPattern, isHostAllowed, isUrlAllowed } from "@/lib/validation/hosts";
export { CatalogError } from "./validate";

/** The entry with this link name, or undefined. */
export function findCatalogEntry(list: readonly CatalogEntry[], linkName: string): CatalogEntry | undefined {
  return list.find((e) => e.linkName === linkName);
}

export interface CatalogCategoryGroup {
  category: CatalogCategory;
  entries: CatalogEntry[];
}

/** Entries grouped by category, categories in display order, entries by name; empty categories left out. */
export function catalogCategories(list: readonly CatalogEntry[]): CatalogCategoryGroup[] {
  const groups = new Map<CatalogCategory, CatalogEntry[]>();
  for (const entry of list) {
    const group = groups.get(entry.category);
    if (group) group.push(entry);
    else groups.set(entry.category, [entry]);
  }
  return categoryOrder
    .filter((category) => groups.has(category))
    .map((category) => ({
      category,
      entries: [...groups.get(category)!].sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" })),
    }));
}

/**
 * Case-insensitive search over name, link name, category and description.
 * Every whitespace-separated term must match one of them. Results keep the
 * list's order, except that name and link-name matches come before matches
 * found only in the category or description. An empty query returns the list.
 */
export function searchCatalog(list: readonly CatalogEntry[], query: string): CatalogEntry[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...list];

  const ranked: Array<{ entry: CatalogEntry; rank: number; index: number }> = [];
  list.forEach((entry, index) => {
    const name = entry.name.toLowerCase();
    const link = entry.linkName.toLowerCase();
    const rest = `${entry.category} ${entry.description}`.toLowerCase();
    let rank = 0;
    for (const term of terms) {
      if (name.startsWith(term) || link.startsWith(term)) continue;
      if (name.includes(term) || link.includes(term)) rank = Math.max(rank, 1);
      else if (rest.includes(term)) rank = 2;
      else return;
    }
    ranked.push({ entry, rank, index });
  });
  return ranked.sort((a, b) => a.rank - b.rank || a.index - b.index).map((r) => r.entry);
}
