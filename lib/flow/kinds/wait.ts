import { z } from "zod";
import { httpDataSchema } from "./http";
import type { NodeKind, OutputHandle } from "./kind";

/** The request that tells the outside system where to answer: an HTTP step's request fields. */
export const waitNotifySchema = httpDataSchema.pick({
  method: true,
  url: true,
  headers: true,
  body: true,
  credentialId: true,
});
export type WaitNotify = z.infer<typeof waitNotifySchema>;

export const waitDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** Give up after this long and follow `timeout`; absent: wait for as long as it takes. */
  timeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(366 * 86_400_000)
    .optional(),
  /** Sent once the node waits; its templates may use `resumeUrl`. */
  notify: waitNotifySchema.optional(),
});
export type WaitData = z.infer<typeof waitDataSchema>;

function waitOutputs(data: unknown): readonly OutputHandle[] {
  const timeout = typeof data === "object" && data !== null && (data as { timeoutMs?: unknown }).timeoutMs;
  return [
    { id: "out", label: "resumed" },
    { id: "timeout", label: "timed out", ...(!timeout && { idle: "followed only when a timeout is set" }) },
  ];
}

export const waitKind: NodeKind<"wait", WaitData> = {
  type: "wait",
  title: "Wait for callback",
  description: "Parks until an outside system POSTs to its resume URL (or the timeout passes).",
  effects: "outside", // the notify request
  inputs: ["in"],
  outputs: waitOutputs,
  dataSchema: waitDataSchema,
  defaultData: () => ({ label: "Wait for callback", timeoutMs: 86_400_000 }),
};
