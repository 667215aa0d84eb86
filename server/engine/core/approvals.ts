import { describeJsonLimit, jsonLimitProblem } from "../../../lib/json/limits";
import { isAssignee } from "../../../lib/run/assignees";
import type { Decision } from "../../../lib/run/events";
import { type NodeRunState, nodeKey, type RunState } from "../../../lib/run/state";

export interface Decider {
  id: string;
  name: string;
  role: string;
  /** Names of the groups the person is in. */
  groups?: readonly string[];
}

/** Why this person cannot take this decision now, or null when they can. */
export function decisionProblem(
  state: RunState,
  nodeId: string,
  path: readonly number[],
  decider: Decider,
  decision: Pick<Decision, "decision" | "comment" | "form">,
): { kind: "conflict" | "forbidden" | "invalid"; message: string; field?: string } | null {
  const node = state.nodes[nodeKey(nodeId, path)];
  if (!node?.approval || node.status !== "waiting") return { kind: "conflict", message: notWaiting(node) };
  const { request, decisions } = node.approval;
  if (!isAssignee(request.assignees, decider)) {
    return { kind: "forbidden", message: "You are not among the people this approval is assigned to." };
  }
  if (decisions.some((d) => d.by.id === decider.id)) {
    return { kind: "conflict", message: "You already decided on this approval." };
  }
  if (decision.decision === "approve" && !request.allowRequesterToApprove && state.startedBy?.id === decider.id) {
    return { kind: "forbidden", message: "You started this run, so someone else has to approve it." };
  }
  if (decision.decision === "reject" && decision.comment.trim() === "") {
    return { kind: "invalid", message: "Say why you reject: a comment is required." };
  }
  // Kept in the run's events and output: it must be readable back (lib/json/limits).
  const limit = jsonLimitProblem(decision.form);
  if (limit) return { kind: "invalid", message: describeJsonLimit("form", limit) };
  for (const field of request.form) {
    const value = decision.form[field.name];
    if (value === undefined || value === "") {
      // Required to approve: someone rejecting may not know, say, the cost center.
      if (field.required && decision.decision === "approve")
        return { kind: "invalid", message: `${field.label} is required to approve`, field: field.name };
      continue;
    }
    if (typeof value !== field.type)
      return { kind: "invalid", message: `${field.label} must be a ${field.type}`, field: field.name };
  }
  return null;
}

/** Why a decision arrives too late or too early, naming who decided when someone did. */
function notWaiting(node: NodeRunState | undefined): string {
  if (!node) return "This approval is not waiting for a decision yet: the run has not reached it.";
  const last = node.approval?.decisions.at(-1);
  if (node.status === "succeeded" && last) {
    const verb = last.decision === "approve" ? "approved" : "rejected";
    return `${last.by.name} ${verb} this at ${last.at}: your decision was not recorded.`;
  }
  const what = node.status === "succeeded" ? "closed at its deadline" : node.status;
  return `This approval is no longer waiting for a decision (it is ${what}): your decision was not recorded.`;
}

export type ApprovalResult = "approved" | "rejected" | "timeout";

/** One rejection ends it; `requiredApprovals` distinct approvals pass it; else it keeps waiting. */
export function decisionsResult(node: NodeRunState): ApprovalResult | undefined {
  const approval = node.approval;
  if (!approval) return undefined;
  if (approval.decisions.some((d) => d.decision === "reject")) return "rejected";
  const approvers = new Set(approval.decisions.filter((d) => d.decision === "approve").map((d) => d.by.id));
  return approvers.size >= approval.request.requiredApprovals ? "approved" : undefined;
}

/** The approval node's output (flow-format.md). */
export function approvalOutput(node: NodeRunState, result: ApprovalResult, now: string) {
  const decisions = node.approval?.decisions ?? [];
  const last = decisions.at(-1);
  return {
    decision: result,
    decisions,
    form: Object.assign({}, ...decisions.map((d) => d.form)),
    decidedBy: result === "timeout" || !last ? null : last.by,
    decidedAt: result === "timeout" || !last ? now : last.at,
  };
}
