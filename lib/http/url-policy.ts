import "server-only";
import { isIPv4 } from "node:net";
import { classifyAddress } from "./address";
import { OutboundBlockedError } from "./errors";

/**
 * Decides whether one resolved address may be connected to. `hostname` is the
 * name it was resolved from (or the IP literal itself). Replaces the built-in
 * address rule entirely, so it is a test and development seam, never product
 * configuration.
 */
export type AddressRule = (address: string, hostname: string) => boolean;

export interface OutboundPolicy {
  /**
   * `CONNECTIONS_ALLOW_PRIVATE_NETWORK`: allows plain `http:`, local host names
   * and every address class (loopback, private, link-local…). Development and
   * tests only.
   */
  allowPrivateNetwork: boolean;
  /** Overrides the address rule; see {@link AddressRule}. */
  isAllowedAddress?: AddressRule;
}

// Names that only ever mean "this machine" or "this site" (RFC 6761, 6762, 8375).
const LOCAL_NAMES = ["localhost"];
const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain"];

/** The address rule in force: the override when given, else public unicast only unless private networks are allowed. */
export function isAddressAllowed(policy: OutboundPolicy, address: string, hostname: string): boolean {
  if (policy.isAllowedAddress) return policy.isAllowedAddress(address, hostname);
  const kind = classifyAddress(address);
  if (kind === "invalid") return false;
  return policy.allowPrivateNetwork || kind === "public";
}

/** The IP address a URL host names directly (`127.0.0.1`, `[::1]`), or null for a DNS name. */
export function ipLiteralOf(hostname: string): string | null {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return hostname.slice(1, -1);
  // WHATWG URL has already turned `2130706433`, `0x7f.1`, `0177.0.0.1` and `127.1` into dotted decimal.
  return isIPv4(hostname) ? hostname : null;
}

/**
 * Checks a URL the app is about to request on a user's behalf, before any DNS
 * lookup: scheme, embedded credentials, local host names and IP-literal hosts.
 * Addresses behind DNS names are checked at connect time by the guarded
 * dispatcher, on the very address the socket uses.
 *
 * @throws {OutboundBlockedError} with a message that names the host at most.
 */
export function checkOutboundUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundBlockedError("The URL is not a valid absolute URL.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new OutboundBlockedError(`The URL scheme "${url.protocol}" is not allowed; use https.`);
  }
  const host = url.host;
  if (url.protocol === "http:" && !policy.allowPrivateNetwork) {
    throw new OutboundBlockedError(`Plain http is not allowed for ${host}; use https.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new OutboundBlockedError(`URLs with embedded credentials are not allowed (${host}).`);
  }
  const hostname = url.hostname.replace(/\.$/, "");
  if (hostname === "") {
    throw new OutboundBlockedError("The URL has no host.");
  }
  const literal = ipLiteralOf(hostname);
  if (literal !== null) {
    if (!isAddressAllowed(policy, literal, literal)) {
      throw new OutboundBlockedError(
        `The address ${host} is not a public address (${classifyAddress(literal)}) and may not be called.`,
      );
    }
    return url;
  }
  const isLocalName = LOCAL_NAMES.includes(hostname) || LOCAL_SUFFIXES.some((suffix) => hostname.endsWith(suffix));
  if (isLocalName && !policy.allowPrivateNetwork) {
    throw new OutboundBlockedError(`The host ${host} is a local name and may not be called.`);
  }
  return url;
}
