import { z } from "zod";
import type { NodeKind } from "./kind";

export const endDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** JSONata expression for the run output; empty means the predecessor's output (`prev`). */
  output: z.string().default(""),
});
export type EndData = z.infer<typeof endDataSchema>;

export const endKind: NodeKind<"end", EndData> = {
  type: "end",
  title: "End",
  description: "Where a path finishes; sets the run's output.",
  effects: "none",
  inputs: ["in"],
  outputs: () => [],
  dataSchema: endDataSchema,
  defaultData: () => ({ label: "End", output: "" }),
};
