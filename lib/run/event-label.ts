import type { EngineEvent } from "./events";

/** "node.succeeded:agent_1" (with "#2.0" inside loops) or "run.started": how logs and tests name an event. */
export function eventLabel(e: EngineEvent): string {
  if (!("nodeId" in e)) return e.type;
  return `${e.type}:${e.nodeId}${e.path?.length ? `#${e.path.join(".")}` : ""}`;
}

/** The part of an event people read first in a log: who decided what, where a task went; else its data. */
export function eventSummary(e: EngineEvent): string {
  switch (e.type) {
    case "approval.decided": {
      const form = Object.entries(e.data.form ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
      const said = e.data.comment ? ` “${e.data.comment}”` : "";
      return `${e.data.by.name} ${e.data.decision === "approve" ? "approved" : "rejected"}${said}${form.length ? ` · ${form.join(", ")}` : ""}`;
    }
    case "approval.escalated":
      return `escalated to ${[...e.data.assignees.groups, ...e.data.assignees.roles].join(", ") || "anyone"} until ${e.data.timeoutAt}`;
    case "approval.requested":
      return `“${e.data.title}” · ${e.data.requiredApprovals} approval${e.data.requiredApprovals === 1 ? "" : "s"} needed`;
    case "agent.turn": {
      const calls = e.data.toolCalls.map((c) => c.name);
      const said = e.data.content ? ` “${e.data.content.slice(0, 80)}${e.data.content.length > 80 ? "…" : ""}”` : "";
      return `turn ${e.data.step}${said}${calls.length ? ` · calls ${calls.join(", ")}` : ""}`;
    }
    case "tool.called":
      return `${e.data.name} (${e.data.callId}) ${JSON.stringify(e.data.args).slice(0, 120)}`;
    case "tool.returned":
      return `${e.data.callId} ${e.data.error !== undefined ? `error: ${e.data.error}` : `→ ${JSON.stringify(e.data.result ?? null).slice(0, 120)}`}`;
    default:
      return JSON.stringify(e.data);
  }
}
