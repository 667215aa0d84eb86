import { describe, expect, it } from "vitest";
import { outboundAllowSchema } from "./outbound-allow";

describe("outboundAllowSchema", () => {
  it("takes host names, addresses and CIDR ranges, trimmed and lower-cased", () => {
    expect(outboundAllowSchema.parse([" Ollama.LAN ", "10.0.0.0/8", "192.168.1.20", "fd00::/8", "::1"])).toEqual([
      "ollama.lan",
      "10.0.0.0/8",
      "192.168.1.20",
      "fd00::/8",
      "::1",
    ]);
  });

  it("names the entry that is not one", () => {
    const result = outboundAllowSchema.safeParse(["10.0.0.0/8", "http://x.lan", "10.0.0.0/33"]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      '"http://x.lan" is not a host name, an IP address or a CIDR range (leave out http:// and the port)',
      '"10.0.0.0/33" is not a host name, an IP address or a CIDR range',
    ]);
  });
});
