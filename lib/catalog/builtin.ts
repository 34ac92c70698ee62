import type { CatalogEntry, CatalogEntryInput } from "./schema";
import { validateEntries } from "./validate";
import { googleEntries } from "./entries/google";
import { storageEntries } from "./entries/storage";
import { communicationEntries } from "./entries/communication";
import { developerEntries } from "./entries/developer";
import { crmEntries } from "./entries/crm";
import { productivityEntries } from "./entries/productivity";
import { audienceEntries } from "./entries/audience";
import { keyEntries } from "./entries/keys";

/** The built-in entries as written, before validation and defaults. */
export const builtinCatalogSource: readonly CatalogEntryInput[] = [
  ...googleEntries,
  ...storageEntries,
  ...communicationEntries,
  ...developerEntries,
  ...crmEntries,
  ...productivityEntries,
  ...audienceEntries,
  ...keyEntries,
];

/**
 * The default services shipped with the app, validated (https only) with
 * defaults filled. A broken built-in entry fails at import time, loudly.
 */
export const builtinCatalog: CatalogEntry[] = validateEntries(builtinCatalogSource, "built-in catalogue", {
  allowInsecure: false,
});
