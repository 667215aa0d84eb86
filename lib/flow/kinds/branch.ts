import { z } from "zod";
import type { NodeKind } from "./kind";

export const branchCaseSchema = z.strictObject({
  /** Also the output handle id; "else" is reserved for the default path. */
  id: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a case id starts with a letter or _ and has only letters, digits and _")
    .refine((id) => id !== "else", '"else" is the default path; pick another case id'),
  label: z.string().default(""),
  /** JSONata expression; the case is taken when it is true. */
  condition: z.string().min(1, "a condition is required").max(10_000),
});

export const branchDataSchema = z
  .strictObject({
    label: z.string().min(1, "a label is required"),
    cases: z.array(branchCaseSchema).min(1, "a branch needs at least one case").max(50),
    /** first: the first true case · all: every true case. */
    mode: z.enum(["first", "all"]).default("first"),
  })
  .superRefine((data, ctx) => {
    const seen = new Set<string>();
    data.cases.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: "custom", path: ["cases", i, "id"], message: `the case id "${c.id}" is used twice` });
      seen.add(c.id);
    });
  });
export type BranchData = z.infer<typeof branchDataSchema>;

export const branchKind: NodeKind<"branch", BranchData> = {
  type: "branch",
  title: "Branch",
  description: "Routes to the first (or every) case whose condition holds, else the default.",
  effects: "none",
  inputs: ["in"],
  // A draft may hold anything: only cases with an id become handles.
  outputs: (data) => [
    ...(Array.isArray(data?.cases) ? data.cases : [])
      .filter((c) => typeof c?.id === "string")
      .map((c) => ({ id: c.id, label: typeof c.label === "string" && c.label !== "" ? c.label : c.id })),
    { id: "else", label: "else" },
  ],
  dataSchema: branchDataSchema,
  defaultData: () => ({
    label: "Branch",
    mode: "first",
    cases: [{ id: "yes", label: "Yes", condition: "prev = true" }],
  }),
};
