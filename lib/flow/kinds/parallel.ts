import { z } from "zod";
import type { NodeKind } from "./kind";

export const parallelDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
});
export type ParallelData = z.infer<typeof parallelDataSchema>;

export const parallelKind: NodeKind<"parallel", ParallelData> = {
  type: "parallel",
  title: "Parallel",
  description: "Starts every outgoing path at once.",
  inputs: ["in"],
  outputs: ["out"],
  dataSchema: parallelDataSchema,
  defaultData: () => ({ label: "Parallel" }),
};
