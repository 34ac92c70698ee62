/**
 * Host rules shared by the catalogue schema and by whoever sends credentials:
 * an entry's `api.allowedHosts` lists the hostnames a credential may travel to.
 * A pattern is either an exact hostname ("api.github.com") or a wildcard
 * ("*.my.salesforce.com") that matches any name with at least one more label
 * in front of the suffix, never the bare suffix itself.
 */

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const BRACKETED_IPV6 = /^\[[0-9a-f:.]+\]$/;

/** Why `pattern` is not a usable allowed-host pattern, or null when it is. */
export function hostPatternProblem(pattern: string): string | null {
  if (pattern !== pattern.toLowerCase()) return "must be lower case";
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(2);
    if (!DNS_NAME.test(suffix) || IPV4.test(suffix)) {
      return 'must be "*." followed by a DNS name (e.g. "*.example.com")';
    }
    if (!suffix.includes(".")) {
      return 'a wildcard must keep at least two labels after "*." (e.g. "*.example.com", not "*.com")';
    }
    return null;
  }
  if (pattern.includes("*")) return 'may use "*" only as a whole leading label ("*.example.com")';
  if (IPV4.test(pattern) || BRACKETED_IPV6.test(pattern)) return null;
  if (pattern.length > 253 || !DNS_NAME.test(pattern)) {
    return "must be a hostname without scheme, port or path (e.g. api.example.com)";
  }
  return null;
}

/** Whether `hostname` (as `URL.hostname` gives it) matches one allowed-host pattern. */
export function hostMatchesPattern(pattern: string, hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const p = pattern.toLowerCase();
  if (p.startsWith("*.")) {
    const suffix = p.slice(1); // ".example.com"
    return host.length > suffix.length && host.endsWith(suffix);
  }
  return host === p;
}

/** Whether `hostname` matches any of `allowedHosts`. */
export function isHostAllowed(allowedHosts: readonly string[], hostname: string): boolean {
  return allowedHosts.some((pattern) => hostMatchesPattern(pattern, hostname));
}

/** Whether a URL's host is one of `allowedHosts`; false for anything that does not parse. */
export function isUrlAllowed(allowedHosts: readonly string[], url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return isHostAllowed(allowedHosts, parsed.hostname);
}
