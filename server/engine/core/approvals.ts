import { describeJsonLimit, jsonLimitProblem } from "../../../lib/json/limits";
import { schemaProblem } from "../../../lib/json/schema-check";
import { approvalVerdict, awaitsDecision, type ToolCallState } from "../../../lib/run/agent-progress";
import { isAssignee } from "../../../lib/run/assignees";
import type { ApprovalRequest, Decision } from "../../../lib/run/events";
import { type NodeRunState, nodeKey, type RunState } from "../../../lib/run/state";

export interface Decider {
  id: string;
  name: string;
  role: string;
  /** Names of the groups the person is in. */
  groups?: readonly string[];
}

type Refusal = { kind: "conflict" | "forbidden" | "invalid"; message: string; field?: string };

/** Why this person cannot take this decision now, or null when they can. */
export function decisionProblem(
  state: RunState,
  nodeId: string,
  path: readonly number[],
  decider: Decider,
  decision: Pick<Decision, "decision" | "comment" | "form"> & { callId?: string; args?: unknown },
): Refusal | null {
  const node = state.nodes[nodeKey(nodeId, path)];
  if (decision.callId !== undefined) return toolDecisionProblem(state, node, decider, decision, decision.callId);
  if (!node?.approval || node.status !== "waiting") return { kind: "conflict", message: notWaiting(node) };
  const { request, decisions } = node.approval;
  const refused = deciderProblem(state, request, decisions, decider, decision);
  if (refused) return refused;
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

/** The checks every approval shares: assigned, once per person, not one's own run, a reason to reject. */
function deciderProblem(
  state: RunState,
  request: ApprovalRequest,
  decisions: readonly Decision[],
  decider: Decider,
  decision: Pick<Decision, "decision" | "comment">,
): Refusal | null {
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
  return null;
}

/** A decision on an agent's tool call: as for an approval node, and edited arguments must fit the tool. */
function toolDecisionProblem(
  state: RunState,
  node: NodeRunState | undefined,
  decider: Decider,
  decision: Pick<Decision, "decision" | "comment"> & { args?: unknown },
  callId: string,
): Refusal | null {
  const call = node?.agent?.calls[callId];
  const live = node?.status === "running" || node?.status === "waiting";
  if (!call?.approval || !live || !awaitsDecision(call)) return { kind: "conflict", message: callClosed(call) };
  const { request, decisions } = call.approval;
  const refused = deciderProblem(state, request, decisions, decider, decision);
  if (refused || decision.args === undefined || decision.decision === "reject") return refused;
  if (!request.tool?.editableArgs)
    return {
      kind: "invalid",
      message: "This tool's arguments may not be changed: approve or reject them as they are.",
    };
  const limit = jsonLimitProblem(decision.args);
  if (limit) return { kind: "invalid", message: describeJsonLimit("args", limit), field: "args" };
  const problem = schemaProblem(request.tool.parameters, decision.args);
  if (problem) return { kind: "invalid", message: `The arguments do not fit the tool: ${problem}`, field: "args" };
  return null;
}

/** Why a tool call takes no decision (any more), naming who decided when someone did. */
function callClosed(call: ToolCallState | undefined): string {
  const last = call?.approval?.decisions.at(-1);
  if (last) {
    const verb = last.decision === "approve" ? "approved" : "rejected";
    return `${last.by.name} ${verb} this call at ${last.at}: your decision was not recorded.`;
  }
  if (call?.expired) return "This call closed at its deadline: your decision was not recorded.";
  return "This tool call is not waiting for a decision: your decision was not recorded.";
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
  return node.approval && approvalVerdict(node.approval);
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
