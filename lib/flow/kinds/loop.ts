import { z } from "zod";
import { type NodeKind, outOnly } from "./kind";

export const loopDataSchema = z
  .strictObject({
    label: z.string().min(1, "a label is required"),
    /** forEach: run the body once per item · repeat: run it until `until` holds. */
    mode: z.enum(["forEach", "repeat"]).default("forEach"),
    /** forEach: expression giving the list. Inside the body: `item` and `index`. */
    items: z.string().max(10_000).default(""),
    /** forEach: how many iterations run at once. */
    concurrency: z.number().int().min(1).max(50).default(1),
    /** repeat: expression checked after each pass; `prev` is the pass's output, `iteration` its index. */
    until: z.string().max(10_000).default(""),
    /** The cap: a forEach with more items fails; a repeat stops (stoppedBy "max"). */
    maxIterations: z.number({ error: "a loop needs maxIterations, its safety cap" }).int().min(1).max(10_000),
  })
  .superRefine((d, ctx) => {
    if (d.mode === "forEach" && d.items.trim() === "")
      ctx.addIssue({ code: "custom", path: ["items"], message: "a forEach loop needs an items expression" });
    if (d.mode === "repeat" && d.until.trim() === "")
      ctx.addIssue({ code: "custom", path: ["until"], message: "a repeat loop needs an until expression" });
  });
export type LoopData = z.infer<typeof loopDataSchema>;

export const loopKind: NodeKind<"loop", LoopData> = {
  type: "loop",
  title: "Loop",
  description: "Runs the nodes inside it for each item, or until a condition holds.",
  effects: "none",
  inputs: ["in"],
  outputs: () => outOnly,
  dataSchema: loopDataSchema,
  defaultData: () => ({ label: "Loop", mode: "forEach", items: "prev", concurrency: 1, until: "", maxIterations: 100 }),
};
