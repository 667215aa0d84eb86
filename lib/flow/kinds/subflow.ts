import { z } from "zod";
import type { NodeKind } from "./kind";
import { stepSettingsShape, workStepOutputs } from "./step-settings";

/** A call chain deeper than this fails the calling node (flow-format.md, "Additions"). */
export const MAX_SUBFLOW_DEPTH = 8;

export const subflowDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** A flow of the same workspace. */
  flowId: z.string().min(1, "pick the flow to call"),
  /** "published": its newest published version when the call is made; a number: that version. */
  version: z.union([z.literal("published"), z.number().int().positive()]).default("published"),
  /**
   * The child run's input: one expression, or one expression per input field of the called
   * flow's start node (what the editor's form writes), evaluated into an object.
   */
  input: z
    .union([
      z.string().max(100_000),
      z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a field name"), z.string().max(100_000)),
    ])
    .default("prev"),
  /** true: succeed with the child's output (or fail with its error) · false: output { runId } at once. */
  wait: z.boolean().default(true),
  ...stepSettingsShape,
});
export type SubflowData = z.infer<typeof subflowDataSchema>;

export const subflowKind: NodeKind<"subflow", SubflowData> = {
  type: "subflow",
  title: "Sub-flow",
  description: "Runs another flow of the workspace and continues with its output.",
  effects: "outside", // a run of its own
  inputs: ["in"],
  outputs: workStepOutputs,
  dataSchema: subflowDataSchema,
  defaultData: () => ({
    label: "Sub-flow",
    flowId: "",
    version: "published",
    input: "prev",
    wait: true,
    onError: "fail",
  }),
};
