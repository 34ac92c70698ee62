/** Where to go after signing in: a path of our own origin, or the default. */
const PLACEHOLDER_ORIGIN = "https://connections.invalid";

/**
 * A same-origin path for `callbackUrl`, decided by parsing the way a browser will (the
 * WHATWG URL parser drops tabs and new lines and reads `/\` like `//`), never by pattern:
 * `/%09/evil.com` and `/\evil.com` are other origins and give the default.
 */
export function sameOriginPath(value: string | string[] | undefined | null, fallback = "/connections"): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/")) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return fallback;
  }
  for (const candidate of [raw, decoded]) {
    let url: URL;
    try {
      url = new URL(candidate, PLACEHOLDER_ORIGIN);
    } catch {
      return fallback;
    }
    if (url.origin !== PLACEHOLDER_ORIGIN) return fallback;
  }
  const url = new URL(raw, PLACEHOLDER_ORIGIN);
  return `${url.pathname}${url.search}${url.hash}`;
}
