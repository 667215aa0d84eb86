import { z } from "zod";
import type { NodeKind } from "./kind";
import { outOnly } from "./kind";

export const delayDataSchema = z
  .strictObject({
    label: z.string().min(1, "a label is required"),
    /** Expression: how long to wait, in milliseconds. */
    ms: z.string().max(10_000).optional(),
    /** Expression: an ISO time to wait until. */
    until: z.string().max(10_000).optional(),
  })
  .refine((d) => (d.ms?.trim() ? 1 : 0) + (d.until?.trim() ? 1 : 0) === 1, {
    message: "set either how long to wait (ms) or until when (until), not both",
    path: ["ms"],
  });
export type DelayData = z.infer<typeof delayDataSchema>;

/** The longest a delay may last: a year (timers beyond are more likely mistakes than plans). */
export const MAX_DELAY_MS = 366 * 86_400_000;

export const delayKind: NodeKind<"delay", DelayData> = {
  type: "delay",
  title: "Delay",
  description: "Waits a while (or until a time) on a durable timer, then passes its input on.",
  effects: "none", // parks on a timer the engine arms; nothing outside is touched
  inputs: ["in"],
  outputs: () => outOnly,
  dataSchema: delayDataSchema,
  defaultData: () => ({ label: "Delay", ms: "60000" }),
};
