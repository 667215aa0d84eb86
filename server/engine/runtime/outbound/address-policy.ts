import { BlockList, isIP } from "node:net";

/** Addresses a flow may not reach unless allowed: loopback, private, link-local, multicast, reserved. */
const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48], // NAT64 for local use (RFC 8215): where the IPv4 sits is the network's choice
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10], // site-local (deprecated, still routed as private by some stacks)
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
}

/** The 16 bytes of an IPv6 address (any spelling: `::`, a trailing dotted IPv4), or null if it is not one. */
function ipv6Bytes(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase().replace(/%.*$/, ""); // without a zone (fe80::1%eth0)
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string?];
  const groups = (part: string | undefined) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const words = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

const zero = (bytes: number[], from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);

/**
 * The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one
 * and reach it: IPv4-compatible `::a.b.c.d` (but `::` and `::1`, which are IPv6's own),
 * IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`
 * and 6to4 `2002:AABB:CCDD::/48` (the IPv4 in bits 16–48). Such an address is as private or
 * as public as its IPv4.
 */
export function embeddedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  if (!b) return null;
  const word = (i: number) => (b[i]! << 8) | b[i + 1]!;
  const last = b.slice(12).join(".");
  if (zero(b, 0, 12) && !(zero(b, 12, 15) && b[15]! <= 1)) return last; // ::/96 but :: and ::1 (blocked as such)
  if (zero(b, 0, 10) && word(10) === 0xffff) return last; // ::ffff:0:0/96
  if (zero(b, 0, 8) && word(8) === 0xffff && word(10) === 0) return last; // ::ffff:0:0:0/96
  if (word(0) === 0x64 && word(2) === 0xff9b && zero(b, 4, 12)) return last; // 64:ff9b::/96
  if (word(0) === 0x2002) return b.slice(2, 6).join("."); // 2002::/16
  return null;
}

export interface AddressPolicy {
  /** Why this host/address may not be reached, or null. */
  problem(hostname: string, address: string): string | null;
}

/**
 * `allow` lists host names, IP addresses or CIDR ranges that flows may reach even though they
 * are private (a self-hosted model on the LAN, a local Ollama). Everything public is allowed.
 */
export function addressPolicy(allow: readonly string[] = []): AddressPolicy {
  const hosts = new Set(allow.filter((a) => !isIP(a.split("/")[0]!)).map((a) => a.toLowerCase()));
  const allowed = new BlockList();
  for (const entry of allow) {
    const [ip, bits] = entry.split("/");
    const family = isIP(ip!);
    if (family === 0) continue;
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits) allowed.addSubnet(ip!, Number(bits), type);
    else allowed.addAddress(ip!, type);
  }
  return {
    problem(hostname, address) {
      if (hosts.has(hostname.toLowerCase())) return null;
      const type = isIP(address) === 6 ? "ipv6" : "ipv4";
      const ipv4 = embeddedIpv4(address);
      if (allowed.check(address, type) || (ipv4 && allowed.check(ipv4, "ipv4"))) return null;
      return (ipv4 ? blocked.check(ipv4, "ipv4") : blocked.check(address, type))
        ? `${hostname} (${ipv4 ?? address}) is a private or local address; allow it in Settings → Network (or OUTBOUND_ALLOW) to reach it`
        : null;
    },
  };
}
