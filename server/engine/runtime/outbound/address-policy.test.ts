import { describe, expect, it } from "vitest";
import { addressPolicy, embeddedIpv4 } from "./address-policy";

const refused = (address: string, allow: string[] = []) => addressPolicy(allow).problem(address, address) !== null;

describe("address policy", () => {
  // IPv6 forms that carry an IPv4 address are as private or as public as that IPv4.
  it.each([
    // form                       address                      the IPv4 it carries   refused
    ["IPv4-compatible", "::7f00:1", "127.0.0.1", true],
    ["IPv4-compatible, dotted", "::127.0.0.1", "127.0.0.1", true],
    ["IPv4-compatible, public", "::808:808", "8.8.8.8", false],
    ["IPv4-mapped", "::ffff:7f00:1", "127.0.0.1", true],
    ["IPv4-mapped, dotted", "::ffff:127.0.0.1", "127.0.0.1", true],
    ["IPv4-mapped, private", "::ffff:a00:1", "10.0.0.1", true],
    ["IPv4-mapped, public", "::ffff:8.8.8.8", "8.8.8.8", false],
    ["IPv4-translated", "::ffff:0:7f00:1", "127.0.0.1", true],
    ["IPv4-translated, link-local", "::ffff:0:169.254.169.254", "169.254.169.254", true],
    ["IPv4-translated, public", "::ffff:0:808:808", "8.8.8.8", false],
    ["NAT64", "64:ff9b::7f00:1", "127.0.0.1", true],
    ["NAT64, dotted", "64:ff9b::192.168.1.1", "192.168.1.1", true],
    ["NAT64, public", "64:ff9b::8.8.8.8", "8.8.8.8", false],
    ["6to4", "2002:7f00:1::", "127.0.0.1", true],
    ["6to4, host part set", "2002:a9fe:a9fe:1:2:3:4:5", "169.254.169.254", true],
    ["6to4, public", "2002:808:808::1", "8.8.8.8", false],
    ["written in capitals", "::FFFF:7F00:1", "127.0.0.1", true],
  ])("%s %s stands for %s (refused: %s)", (_form, address, ipv4, isRefused) => {
    expect(embeddedIpv4(address)).toBe(ipv4);
    expect(refused(address)).toBe(isRefused);
  });

  it.each([
    // address            refused   why
    ["::1", true], //       loopback, IPv6's own
    ["::", true], //        unspecified
    ["fec0::1", true], //   site-local
    ["feff::1", true], //   site-local, the top of fec0::/10
    ["64:ff9b:1::a", true], // NAT64 for local use
    ["fd12::1", true], //   unique local
    ["fe80::1", true], //   link-local
    ["2606:4700::1111", false], // public
    ["64:ff9b:0:0:1::808:808", false], // not NAT64's /96 (bits 64–96 set): an ordinary public address
    ["127.0.0.1", true],
    ["8.8.8.8", false],
  ])("%s is refused: %s", (address, isRefused) => {
    expect(refused(address)).toBe(isRefused);
  });

  it("forms with an IPv4 are allowed by the IPv4 entry, or by their own IPv6 entry", () => {
    expect(refused("::ffff:7f00:1", ["127.0.0.1"])).toBe(false);
    expect(refused("64:ff9b::7f00:1", ["127.0.0.0/8"])).toBe(false);
    expect(refused("2002:7f00:1::", ["2002::/16"])).toBe(false);
    expect(refused("2002:7f00:1::", ["10.0.0.0/8"])).toBe(true);
    expect(refused("fec0::1", ["fec0::/10"])).toBe(false);
  });

  it("names the IPv4 a form stands for", () => {
    expect(addressPolicy().problem("64:ff9b::7f00:1", "64:ff9b::7f00:1")).toMatch(
      /^64:ff9b::7f00:1 \(127\.0\.0\.1\) is a private or local address/,
    );
  });
});
