import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyAddress, isPublicUnicast, type AddressClass } from "./address";

describe("classifyAddress", () => {
  it.each<[string, AddressClass]>([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link_local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["100.128.0.1", "public"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["192.0.0.8", "reserved"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.7", "documentation"],
    ["203.0.113.9", "documentation"],
    ["198.18.0.1", "benchmark"],
    ["224.0.0.1", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link_local"],
    ["::ffff:8.8.8.8", "public"],
    ["::127.0.0.1", "loopback"], // IPv4-compatible, deprecated
    ["::8.8.8.8", "reserved"],
    ["::ffff:0:8.8.8.8", "reserved"], // SIIT
    ["64:ff9b::10.0.0.1", "private"], // NAT64 well-known prefix
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::808:808", "public"],
    ["64:ff9b:1::8.8.8.8", "private"], // local-use NAT64
    ["2002:7f00:1::", "loopback"], // 6to4 around 127.0.0.1
    ["2002:c0a8:101::1", "private"], // 6to4 around 192.168.1.1
    ["2002:808:808::1", "public"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"], // Teredo
    ["2001:db8::1", "documentation"],
    ["3fff::1", "documentation"],
    ["2001:2::1", "benchmark"],
    ["100::1", "reserved"],
    ["fc00::1", "unique_local"],
    ["fd12:3456::1", "unique_local"],
    ["fe80::1", "link_local"],
    ["fe80::1%eth0", "link_local"],
    ["febf::1", "link_local"],
    ["fec0::1", "private"],
    ["ff02::1", "multicast"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001:81c::200e", "public"],
    ["4000::1", "reserved"],
    ["0177.0.0.1", "invalid"], // octal-looking text is never guessed at
    ["127.1", "invalid"],
    ["example.com", "invalid"],
    ["", "invalid"],
    ["1:2:3:4:5:6:7:8:9", "invalid"],
  ])("%s is %s", (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it("isPublicUnicast is true only for public", () => {
    expect(isPublicUnicast("1.1.1.1")).toBe(true);
    expect(isPublicUnicast("::ffff:127.0.0.1")).toBe(false);
    expect(isPublicUnicast("not an address")).toBe(false);
  });
});

const nonPublicV4Ranges: Array<[number, number]> = [
  [0x7f000000, 8], // 127/8
  [0x0a000000, 8], // 10/8
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
  [0xa9fe0000, 16], // 169.254/16
  [0x64400000, 10], // 100.64/10
  [0x00000000, 8], // 0/8
];

const toDotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const hex = (n: number) => `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

const nonPublicV4 = fc
  .constantFrom(...nonPublicV4Ranges)
  .chain(([base, prefix]) => fc.integer({ min: 0, max: 2 ** (32 - prefix) - 1 }).map((offset) => (base + offset) >>> 0));

describe("classifyAddress properties", () => {
  it("never calls an address in a private, loopback, link-local, CGNAT or 0/8 range public, in any spelling", () => {
    fc.assert(
      fc.property(nonPublicV4, (n) => {
        const spellings = [
          toDotted(n),
          `::ffff:${toDotted(n)}`,
          `::ffff:${hex(n)}`,
          `0:0:0:0:0:ffff:${hex(n)}`,
          `::${toDotted(n)}`,
          `64:ff9b::${toDotted(n)}`,
          `64:ff9b::${hex(n)}`,
          `2002:${hex(n)}::1`,
        ];
        for (const spelling of spellings) expect(classifyAddress(spelling), spelling).not.toBe("public");
      }),
      { numRuns: 2000 },
    );
  });

  it("judges an IPv4-mapped address exactly like the IPv4 address", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(classifyAddress(`::ffff:${ip}`)).toBe(classifyAddress(ip));
      }),
    );
  });

  it("understands every IPv6 spelling and never throws on junk", () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        expect(classifyAddress(ip)).not.toBe("invalid");
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        classifyAddress(text);
      }),
    );
  });
});
