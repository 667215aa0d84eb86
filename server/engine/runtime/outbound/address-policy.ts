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
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(net, prefix, "ipv6");
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
      const mapped =
        address.toLowerCase().startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
      const type = isIP(mapped) === 6 ? "ipv6" : "ipv4";
      if (allowed.check(mapped, type)) return null;
      return blocked.check(mapped, type)
        ? `${hostname} (${mapped}) is a private or local address; allow it in Settings → Network (or OUTBOUND_ALLOW) to reach it`
        : null;
    },
  };
}
