import { z } from "zod";
import type { NodeKind } from "./kind";
import { stepSettingsShape, workStepOutputs } from "./step-settings";

export const transformDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** One JSONata expression; its value is the node's output. */
  expression: z.string().min(1, "an expression is required").max(100_000),
  ...stepSettingsShape,
});
export type TransformData = z.infer<typeof transformDataSchema>;

export const transformKind: NodeKind<"transform", TransformData> = {
  type: "transform",
  title: "Transform",
  description: "Reshapes data with a JSONata expression.",
  effects: "none",
  inputs: ["in"],
  outputs: workStepOutputs,
  dataSchema: transformDataSchema,
  defaultData: () => transformDataSchema.parse({ label: "Transform", expression: "prev" }),
};
