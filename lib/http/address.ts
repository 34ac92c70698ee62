import "server-only";
import { isIPv4, isIPv6 } from "node:net";

/**
 * What kind of destination an IP address is, after the IANA special-purpose
 * registries (RFC 6890, and the v4 / v6 registries it created). Only "public"
 * may be reached from outbound requests made on a user's behalf.
 */
export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link_local"
  | "cgnat"
  | "unique_local"
  | "multicast"
  | "unspecified"
  | "reserved"
  | "documentation"
  | "benchmark"
  | "broadcast"
  | "invalid";

type V4Range = readonly [base: number, prefix: number, kind: AddressClass];

// Order matters only where ranges nest; the first match wins.
const V4_RANGES: readonly V4Range[] = [
  [v4(0, 0, 0, 0), 8, "unspecified"], // RFC 1122 "this network"; 0.0.0.0 reaches localhost on Linux
  [v4(10, 0, 0, 0), 8, "private"], // RFC 1918
  [v4(100, 64, 0, 0), 10, "cgnat"], // RFC 6598
  [v4(127, 0, 0, 0), 8, "loopback"], // RFC 1122
  [v4(169, 254, 0, 0), 16, "link_local"], // RFC 3927, cloud metadata lives here
  [v4(172, 16, 0, 0), 12, "private"], // RFC 1918
  [v4(192, 0, 0, 0), 24, "reserved"], // RFC 6890 IETF protocol assignments
  [v4(192, 0, 2, 0), 24, "documentation"], // RFC 5737 TEST-NET-1
  [v4(192, 88, 99, 0), 24, "reserved"], // RFC 7526 deprecated 6to4 relay anycast
  [v4(192, 168, 0, 0), 16, "private"], // RFC 1918
  [v4(198, 18, 0, 0), 15, "benchmark"], // RFC 2544
  [v4(198, 51, 100, 0), 24, "documentation"], // RFC 5737 TEST-NET-2
  [v4(203, 0, 113, 0), 24, "documentation"], // RFC 5737 TEST-NET-3
  [v4(224, 0, 0, 0), 4, "multicast"], // RFC 5771
  [v4(255, 255, 255, 255), 32, "broadcast"], // RFC 919
  [v4(240, 0, 0, 0), 4, "reserved"], // RFC 1112 class E
];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function inV4Range(address: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const mask = prefix === 32 ? 0xffffffff : ~(0xffffffff >>> prefix) >>> 0;
  return (address & mask) >>> 0 === base;
}

/** Parses strict dotted-decimal; leading zeros are refused because some stacks read them as octal. */
function parseV4(text: string): number | null {
  if (!isIPv4(text)) return null;
  const parts = text.split(".");
  if (parts.some((part) => part.length > 1 && part.startsWith("0"))) return null;
  const [a, b, c, d] = parts.map(Number);
  return v4(a, b, c, d);
}

function classifyV4(address: number): AddressClass {
  for (const [base, prefix, kind] of V4_RANGES) {
    if (inV4Range(address, base, prefix)) return kind;
  }
  return "public";
}

/** Parses an IPv6 address (zone id already removed) into eight 16-bit groups. */
export function parseV6(text: string): number[] | null {
  if (!isIPv6(text)) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const trailing = text.slice(lastColon + 1);
  if (trailing.includes(".")) {
    const embedded = parseV4(trailing);
    if (embedded === null) return null;
    tail.push(embedded >>> 16, embedded & 0xffff);
    // Keep the colon when it belongs to "::" so the expansion below still sees it.
    head = text.slice(0, text[lastColon - 1] === ":" ? lastColon + 1 : lastColon);
  }
  const toGroups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const doubleColon = head.indexOf("::");
  let groups: number[];
  if (doubleColon === -1) {
    groups = [...toGroups(head), ...tail];
  } else {
    const left = toGroups(head.slice(0, doubleColon));
    const right = [...toGroups(head.slice(doubleColon + 2)), ...tail];
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

const embeddedV4 = (hi: number, lo: number): number => ((hi << 16) | lo) >>> 0;

/** A v6 form that carries a v4 address is never safer than that v4 address. */
function atMostAsPublicAs(inner: AddressClass, otherwise: AddressClass): AddressClass {
  return inner === "public" ? otherwise : inner;
}

function classifyV6(g: number[]): AddressClass {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = g;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0) {
    if (g7 === 0) return "unspecified"; // ::
    if (g7 === 1) return "loopback"; // ::1
  }
  // ::ffff:a.b.c.d (RFC 4291 IPv4-mapped): the socket really talks to the v4 address.
  if (upperZero && g5 === 0xffff) return classifyV4(embeddedV4(g6, g7));
  // ::a.b.c.d (deprecated IPv4-compatible) and ::ffff:0:a.b.c.d (SIIT): no
  // legitimate API lives there, so they are refused even around a public v4.
  const siit = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0;
  if ((upperZero && g5 === 0) || siit) {
    return atMostAsPublicAs(classifyV4(embeddedV4(g6, g7)), "reserved");
  }
  // 64:ff9b::/96 (RFC 6052 well-known NAT64): reaches the embedded v4 address.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return classifyV4(embeddedV4(g6, g7));
  }
  // 64:ff9b:1::/48 (RFC 8215 local-use NAT64): translation inside one network.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) {
    return atMostAsPublicAs(classifyV4(embeddedV4(g6, g7)), "private");
  }
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return "reserved"; // 100::/64 discard (RFC 6666)
  // 2001::/32 Teredo (RFC 4380) and the rest of 2001::/23 (IETF protocol
  // assignments): Teredo hides an obfuscated v4 client that may be private, so refuse.
  if (g0 === 0x2001 && g1 < 0x200) {
    if (g1 === 2 && g2 === 0) return "benchmark"; // 2001:2::/48 (RFC 5180)
    return "reserved";
  }
  if (g0 === 0x2001 && g1 === 0xdb8) return "documentation"; // RFC 3849
  if (g0 === 0x3fff && g1 < 0x1000) return "documentation"; // 3fff::/20 (RFC 9637)
  // 2002::/16 6to4 (RFC 3056): traffic ends at the embedded v4 address.
  if (g0 === 0x2002) return classifyV4(embeddedV4(g1, g2));
  if (g0 === 0x5f00) return "reserved"; // 5f00::/16 SRv6 SIDs (RFC 9602)
  if ((g0 & 0xfe00) === 0xfc00) return "unique_local"; // fc00::/7 (RFC 4193)
  if ((g0 & 0xffc0) === 0xfe80) return "link_local"; // fe80::/10
  if ((g0 & 0xffc0) === 0xfec0) return "private"; // fec0::/10 deprecated site-local (RFC 3879)
  if ((g0 & 0xff00) === 0xff00) return "multicast"; // ff00::/8
  if ((g0 & 0xe000) === 0x2000) return "public"; // 2000::/3 global unicast
  return "reserved"; // unallocated v6 space
}

/**
 * Classifies an IP address given as text (`1.2.3.4`, `::1`, `[::1]`,
 * `::ffff:127.0.0.1`, `fe80::1%eth0`). Anything that is not a well-formed
 * address is "invalid". Addresses that embed an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are judged by the embedded address; Teredo is refused.
 */
export function classifyAddress(ip: string): AddressClass {
  let text = ip.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone !== -1) {
    // A zone id only makes sense for link-scoped addresses; judge the address itself.
    text = text.slice(0, zone);
    if (text === "") return "invalid";
  }
  const asV4 = parseV4(text);
  if (asV4 !== null) return classifyV4(asV4);
  const asV6 = parseV6(text);
  if (asV6 !== null) return classifyV6(asV6);
  return "invalid";
}

/** True only for globally routable unicast addresses (see {@link classifyAddress}). */
export function isPublicUnicast(ip: string): boolean {
  return classifyAddress(ip) === "public";
}
