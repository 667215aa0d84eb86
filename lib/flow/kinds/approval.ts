import { z } from "zod";
import type { NodeKind, OutputHandle } from "./kind";

export const approvalFormFieldSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "use letters, digits and _ (not first)"),
  label: z.string().default(""),
  type: z.enum(["string", "number", "boolean"]).default("string"),
  required: z.boolean().default(false),
});

export const approvalDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** Template: what the approver sees as the task's title. */
  title: z.string().min(1, "a title is required").max(500),
  /** Template. */
  instructions: z.string().max(20_000).default(""),
  /** Expression: the data the approver reviews. */
  show: z.string().max(10_000).default("prev"),
  /** Who may decide; both empty means any member allowed to decide. */
  assignees: z
    .strictObject({
      users: z.array(z.string()).default([]),
      roles: z.array(z.enum(["owner", "editor", "approver"])).default([]),
      /** Names of groups (Settings) whose members may decide. */
      groups: z.array(z.string().min(1).max(80)).default([]),
    })
    .default({ users: [], roles: [], groups: [] }),
  requiredApprovals: z.number().int().min(1).max(50).default(1),
  allowRequesterToApprove: z.boolean().default(false),
  form: z.array(approvalFormFieldSchema).max(50).default([]),
  timeout: z
    .strictObject({
      afterMs: z
        .number()
        .int()
        .min(1_000)
        .max(365 * 86_400_000),
      action: z.enum(["reject", "approve", "route", "fail"]),
      /**
       * Escalation levels tried in order before `action`: when the deadline passes, the task is
       * reassigned to the level's groups with a new deadline. `action` applies after the last.
       */
      escalate: z
        .array(
          z.strictObject({
            groups: z.array(z.string().min(1).max(80)).min(1, "name at least one group").max(20),
            afterMs: z
              .number()
              .int()
              .min(1_000)
              .max(365 * 86_400_000),
          }),
        )
        .max(5)
        .default([]),
    })
    .optional(),
});
export type ApprovalData = z.infer<typeof approvalDataSchema>;

/** approved and rejected; `timeout` is followed when the deadline passes with `timeout.action: route`. `data` may be a draft. */
function approvalOutputs(data: unknown): readonly OutputHandle[] {
  const timeout = typeof data === "object" && data !== null ? (data as { timeout?: unknown }).timeout : undefined;
  const routes =
    typeof timeout === "object" && timeout !== null && (timeout as { action?: unknown }).action === "route";
  return [
    { id: "approved", label: "approved" },
    { id: "rejected", label: "rejected" },
    {
      id: "timeout",
      label: "timed out",
      ...(!routes && {
        idle: "followed only when the deadline's action is to follow this output (timeout.action: route)",
      }),
    },
  ];
}

export const approvalKind: NodeKind<"approval", ApprovalData> = {
  type: "approval",
  title: "Approval",
  description: "Pauses the path until people approve or reject.",
  effects: "none", // the inbox task is written with the events that request it
  inputs: ["in"],
  outputs: approvalOutputs,
  dataSchema: approvalDataSchema,
  defaultData: () => approvalDataSchema.parse({ label: "Approval", title: "Please review" }),
};
