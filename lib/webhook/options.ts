import { z } from "zod";

/**
 * How a flow's webhook answers and checks its callers (stored with the flow). `answer`:
 * "envelope" answers `{ runId, status, output }`; "output" answers the bare output, with the
 * status and headers the end node sets, as a caller that expects a plain API answer wants.
 * `signature`: the caller signs the raw body with HMAC-SHA256 under a workspace credential and
 * sends it in `header` (hex, optionally prefixed `sha256=`, as GitHub does).
 */
export const webhookOptionsSchema = z.strictObject({
  answer: z.enum(["envelope", "output"]).default("envelope"),
  signature: z
    .strictObject({
      header: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9-]{1,100}$/, "a header name has letters, digits and -"),
      credentialId: z.string().min(1, "pick the credential that holds the signing secret"),
    })
    .nullable()
    .default(null),
});
export type WebhookOptions = z.infer<typeof webhookOptionsSchema>;

export const defaultWebhookOptions: WebhookOptions = { answer: "envelope", signature: null };

/** Stored options, read leniently: what does not parse (an older row) is the default. */
export function readWebhookOptions(stored: unknown): WebhookOptions {
  const parsed = webhookOptionsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : defaultWebhookOptions;
}
