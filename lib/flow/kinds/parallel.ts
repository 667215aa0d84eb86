import { z } from "zod";
import { type NodeKind, outOnly } from "./kind";

export const parallelDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** At most this many of its paths in progress at once; the next starts when one settles. */
  maxConcurrency: z.number().int().min(1).max(100).optional(),
});
export type ParallelData = z.infer<typeof parallelDataSchema>;

export const parallelKind: NodeKind<"parallel", ParallelData> = {
  type: "parallel",
  title: "Parallel",
  description: "Starts every outgoing path at once, or a few at a time.",
  effects: "none",
  inputs: ["in"],
  outputs: () => outOnly,
  dataSchema: parallelDataSchema,
  defaultData: () => ({ label: "Parallel" }),
};
