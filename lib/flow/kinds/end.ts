import { z } from "zod";
import type { NodeKind } from "./kind";

export const endDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** JSONata expression for the run output; empty means the predecessor's output (`prev`). */
  output: z.string().default(""),
  /** Reaching this end undoes the steps that succeeded (their compensation handlers) before the run succeeds. */
  compensate: z.boolean().optional(),
  /**
   * What a webhook that answers with the bare output (its `answer: "output"`) sends when the
   * run ends here: the status (200 unless set) and extra headers.
   */
  response: z
    .strictObject({
      status: z.number().int().min(200, "a status from 200 to 599").max(599, "a status from 200 to 599").optional(),
      headers: z
        .record(
          z
            .string()
            .regex(/^[A-Za-z0-9-]{1,100}$/, "a header name has letters, digits and -")
            .refine((h) => !framing.has(h.toLowerCase()), "the server sets this header itself"),
          z.string().max(2_000),
        )
        .default({}),
    })
    .optional(),
});

/** Headers that frame the answer: the server's alone. */
const framing = new Set(["content-length", "transfer-encoding", "connection", "content-type"]);
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
