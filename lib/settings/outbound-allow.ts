import { z } from "zod";

const ipv4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const ipv6 = /^[0-9a-f:]+$/i;
const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Whether an entry is a host name, an IP address or a CIDR range (e.g. 10.0.0.0/8). */
function isEntry(entry: string): boolean {
  const [address, bits, extra] = entry.split("/");
  if (extra !== undefined || !address) return false;
  if (bits !== undefined) {
    const max = ipv4.test(address) ? 32 : address.includes(":") && ipv6.test(address) ? 128 : -1;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
  }
  return ipv4.test(address) || (address.includes(":") && ipv6.test(address)) || hostname.test(address);
}

/** The private hosts, IPs or CIDR ranges a workspace's flows may reach (Settings → Network). */
export const outboundAllowSchema = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .superRefine((entry, ctx) => {
        if (isEntry(entry)) return;
        const hint = /^[a-z]+:\/\//.test(entry) || /:\d+$/.test(entry) ? " (leave out http:// and the port)" : "";
        ctx.addIssue({
          code: "custom",
          message: `"${entry}" is not a host name, an IP address or a CIDR range${hint}`,
        });
      }),
  )
  .max(50, "at most 50 entries");
