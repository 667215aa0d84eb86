import { z } from "zod";
import { type NodeKind, outOnly } from "./kind";

export const joinDataSchema = z
  .strictObject({
    label: z.string().min(1, "a label is required"),
    /** all: every active path · any: the first to arrive · count: the first `count` to arrive. */
    mode: z.enum(["all", "any", "count"]).default("all"),
    count: z.number().int().min(1).max(1_000).optional(),
    /** Once the join has fired, cancel the paths still running towards it. */
    cancelRemaining: z.boolean().default(false),
  })
  .refine((d) => d.mode !== "count" || d.count !== undefined, { path: ["count"], message: "mode count needs a count" });
export type JoinData = z.infer<typeof joinDataSchema>;

export const joinKind: NodeKind<"join", JoinData> = {
  type: "join",
  title: "Join",
  description: "Waits for all, any or some of its incoming paths.",
  effects: "none",
  inputs: ["in"],
  outputs: () => outOnly,
  inbound: (data) => ({
    waitFor: data.mode === "any" ? 1 : data.mode === "count" && data.count !== undefined ? data.count : "all",
    cancelRemaining: data.cancelRemaining,
  }),
  dataSchema: joinDataSchema,
  defaultData: () => ({ label: "Join", mode: "all", cancelRemaining: false }),
};
