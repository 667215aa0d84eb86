import { z } from "zod";
import type { NodeKind } from "./kind";
import { cacheSchema, stepSettingsShape, workStepOutputs } from "./step-settings";

export const httpDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]).default("GET"),
  /** Template. */
  url: z.string().min(1, "a URL is required").max(5_000),
  /** Header values are templates. */
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/, "a header name has letters, digits and -"), z.string())
    .default({}),
  /** Template; sent for methods other than GET. */
  body: z.string().max(1_000_000).default(""),
  /** Optional credential sent as `Authorization: Bearer <secret>`. */
  credentialId: z.string().optional(),
  /** Reuse the response to an identical request within `ttlMs` (successful responses only). */
  cache: cacheSchema.optional(),
  ...stepSettingsShape,
});
export type HttpData = z.infer<typeof httpDataSchema>;

export const httpKind: NodeKind<"http", HttpData> = {
  type: "http",
  title: "HTTP request",
  description: "Calls a web API; the response becomes the output.",
  effects: "outside",
  inputs: ["in"],
  outputs: workStepOutputs,
  dataSchema: httpDataSchema,
  defaultData: () => httpDataSchema.parse({ label: "HTTP request", url: "https://example.com" }),
};
