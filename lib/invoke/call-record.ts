import "server-only";
import type { ServiceDefinition } from "@/lib/services/definition";

/** The mark that stands for a value the call log does not keep. */
export const MASK = "…";

/** The query names a credential can travel in: its own parameters, the OAuth 2 token, OAuth 1's protocol parameters. */
function credentialNames(service: Pick<ServiceDefinition, "authType" | "apiKey">): (name: string) => boolean {
  switch (service.authType) {
    case "api_key": {
      const names = new Set((service.apiKey?.params ?? []).map((p) => p.name.toLowerCase()));
      return (name) => names.has(name.toLowerCase());
    }
    case "oauth2":
      return (name) => name.toLowerCase() === "access_token";
    case "oauth1":
      return (name) => name.toLowerCase().startsWith("oauth_");
    default:
      return () => false;
  }
}

/**
 * The longest path the call log keeps, in characters: enough to tell calls apart, while a
 * caller sending 8 KB URLs (refused ones too: they are logged) cannot make every row 8 KB.
 */
export const MAX_LOGGED_PATH = 2_048;

/** Cut to `max` characters with "…" as the last (a URL's path and query are ASCII: nothing is split). */
function capped(path: string, max: number): string {
  return path.length <= max ? path : `${path.slice(0, max - MASK.length)}${MASK}`;
}

/**
 * The path and query of a call as the call log keeps it (docs/product.md §10): the value of
 * every query parameter named like one of the credential's own replaced by "…", so that a
 * caller who put a secret where the credential goes does not find it in the log; past
 * {@link MAX_LOGGED_PATH}, cut short with "…".
 */
export function loggedPath(url: URL, service: Pick<ServiceDefinition, "authType" | "apiKey">): string {
  return capped(maskedPath(url, service), MAX_LOGGED_PATH);
}

function maskedPath(url: URL, service: Pick<ServiceDefinition, "authType" | "apiKey">): string {
  const isCredential = credentialNames(service);
  const query = url.search.startsWith("?") ? url.search.slice(1) : "";
  if (!query) return url.pathname;
  const pieces = query.split("&").map((piece) => {
    const eq = piece.indexOf("=");
    const rawName = eq === -1 ? piece : piece.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, " "));
    } catch {
      // an undecodable name is compared as it is
    }
    return eq !== -1 && isCredential(name) ? `${rawName}=${MASK}` : piece;
  });
  return `${url.pathname}?${pieces.join("&")}`;
}
