import "server-only";
import { env } from "@/lib/env";
import { builtinCatalog } from "./builtin";
import { mergeCatalog, readCatalogFile } from "./load";
import type { CatalogEntry } from "./schema";

let cached: CatalogEntry[] | undefined;

/**
 * The default services of this deployment: the built-in catalogue plus the entries of
 * CONNECTIONS_CATALOG_FILE, validated once (at start, see lib/server/startup.ts). Plain http
 * endpoints in the file are accepted only when private networks are allowed.
 */
export function serviceCatalog(): CatalogEntry[] {
  if (cached) return cached;
  const { CONNECTIONS_CATALOG_FILE, CONNECTIONS_ALLOW_PRIVATE_NETWORK } = env();
  const extra = CONNECTIONS_CATALOG_FILE
    ? readCatalogFile(CONNECTIONS_CATALOG_FILE, { allowInsecure: CONNECTIONS_ALLOW_PRIVATE_NETWORK })
    : [];
  cached = mergeCatalog(builtinCatalog, extra);
  return cached;
}
