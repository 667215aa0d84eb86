import type { Actor, Assignees } from "./events";

/** The inbox's tabs: waiting for me, everything open (owners), and the history. */
export const inboxTabs = ["mine", "all", "decided"] as const;
export type InboxTab = (typeof inboxTabs)[number];

export type TaskStatus = "open" | "approved" | "rejected" | "timeout" | "cancelled" | "failed";

export interface TaskDecision {
  by: Actor;
  decision: "approve" | "reject";
  comment: string;
  form: Record<string, unknown>;
  at: string;
}

export interface TaskEscalation {
  level: number;
  at: string;
  assignees: Assignees;
  timeoutAt: string;
}

export interface TaskFormField {
  name: string;
  label: string;
  type: "string" | "number" | "boolean";
  required: boolean;
}

/** The agent's tool call a task asks about: the approver sees the tool and its arguments, and may edit them when allowed. */
export interface TaskToolCall {
  callId: string;
  name: string;
  args: unknown;
  editableArgs: boolean;
  /** The JSON schema edited arguments must match. */
  parameters: Record<string, unknown>;
}

/** An approval task as the inbox shows it to one person. */
export interface InboxTask {
  id: string;
  runId: string;
  nodeId: string;
  /** Enclosing loop iterations ([] outside loops). */
  path: number[];
  flowId: string;
  flowName: string;
  status: TaskStatus;
  title: string;
  instructions: string;
  /** What the approval node chose to show (a tool call's: the conversation so far). */
  show: unknown;
  /** Set when an agent's tool call waits, not an approval node. */
  tool: TaskToolCall | null;
  assignees: Assignees;
  /** Names of the people among the assignees, by id. */
  people: Record<string, string>;
  requiredApprovals: number;
  allowRequesterToApprove: boolean;
  form: TaskFormField[];
  /** Distinct approvals so far. */
  approvals: number;
  requestedBy: Actor | null;
  createdAt: string;
  dueAt: string | null;
  closedAt: string | null;
  escalations: TaskEscalation[];
  decisions: TaskDecision[];
  /** Whether the viewer is among the assignees. */
  assignedToViewer: boolean;
  /** Whether the viewer may decide now (assigned, open, not decided yet); approving may still be refused to the requester. */
  canDecide: boolean;
}

/** Who the assignees are, in words: "finance, legal · approvers". */
export function describeAssignees(a: Assignees, userNames: (id: string) => string = (id) => id): string {
  const parts = [
    a.groups.length > 0 ? a.groups.join(", ") : "",
    a.roles.length > 0 ? a.roles.map((r) => `${r}s`).join(", ") : "",
    a.users.length > 0 ? a.users.map(userNames).join(", ") : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" · ") : "anyone who may decide";
}
