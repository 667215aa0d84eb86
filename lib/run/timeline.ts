import type { RunEvent } from "./events";
import { nodeKey, pathOf } from "./state";

export interface AttemptSpan {
  attempt: number;
  startedAt: string;
  /** Absent while the attempt runs. */
  endedAt?: string;
  outcome: "running" | "succeeded" | "failed" | "cancelled";
  error?: string;
}

export interface WaitSpan {
  kind: "retry" | "approval";
  from: string;
  /** When the wait ended; absent while it lasts. */
  to?: string;
  /** A tool call's approval (an agent's). */
  callId?: string;
}

/** One tool call of an agent: from when it was taken up until its result. */
export interface CallSpan {
  callId: string;
  name: string;
  from: string;
  to?: string;
  failed?: boolean;
}

/** Everything that happened to one node instance, for the timeline and the inspector. */
export interface InstanceHistory {
  key: string;
  nodeId: string;
  path: number[];
  attempts: AttemptSpan[];
  waits: WaitSpan[];
  /** An agent's tool calls, nested in its attempts. */
  calls: CallSpan[];
  usage?: { promptTokens: number; completionTokens: number; totalTokens: number };
}

/** Each node instance's attempts and waits, in the order they first started, from the event log. */
export function runHistory(events: readonly RunEvent[]): InstanceHistory[] {
  const byKey = new Map<string, InstanceHistory>();
  const of = (e: { nodeId: string; path?: number[] }) => {
    const key = nodeKey(e.nodeId, pathOf(e));
    let history = byKey.get(key);
    if (!history) {
      history = { key, nodeId: e.nodeId, path: pathOf(e), attempts: [], waits: [], calls: [] };
      byKey.set(key, history);
    }
    return history;
  };
  const closeWait = (h: InstanceHistory, at: string) => {
    const open = h.waits.at(-1);
    if (open && open.to === undefined) open.to = at;
  };
  /** The node's own wait ends (a tool call's approval ends with its decision, or with the attempt). */
  const closeNodeWait = (h: InstanceHistory, at: string) => {
    for (const w of h.waits) if (w.to === undefined) w.to = at;
  };
  const endAttempt = (h: InstanceHistory, at: string, outcome: AttemptSpan["outcome"], error?: string) => {
    const current = h.attempts.at(-1);
    if (current && current.endedAt === undefined) Object.assign(current, { endedAt: at, outcome, error });
  };
  for (const e of events) {
    if (!("nodeId" in e)) continue;
    switch (e.type) {
      case "node.started": {
        const h = of(e);
        closeWait(h, e.at);
        h.attempts.push({ attempt: e.data.attempt, startedAt: e.at, outcome: "running" });
        break;
      }
      case "node.succeeded":
        closeNodeWait(of(e), e.at);
        endAttempt(of(e), e.at, "succeeded");
        if (e.data.usage) of(e).usage = e.data.usage;
        break;
      case "node.failed":
        closeWait(of(e), e.at);
        endAttempt(of(e), e.at, "failed", e.data.error.message);
        break;
      case "node.retrying":
        endAttempt(of(e), e.at, "failed", e.data.error.message);
        of(e).waits.push({ kind: "retry", from: e.at });
        break;
      case "node.cancelled":
        closeWait(of(e), e.at);
        endAttempt(of(e), e.at, "cancelled");
        break;
      case "approval.requested":
        of(e).waits.push({ kind: "approval", from: e.at, ...(e.data.callId && { callId: e.data.callId }) });
        break;
      case "approval.decided":
      case "tool.expired": {
        const callId = e.data.callId;
        const wait = callId === undefined ? undefined : of(e).waits.find((w) => w.callId === callId && !w.to);
        if (wait) wait.to = e.at;
        break;
      }
      case "tool.called":
        of(e).calls.push({ callId: e.data.callId, name: e.data.name, from: e.at });
        break;
      case "tool.returned": {
        const call = of(e).calls.find((c) => c.callId === e.data.callId);
        if (call) Object.assign(call, { to: e.at, failed: e.data.error !== undefined });
        break;
      }
    }
  }
  return [...byKey.values()].filter((h) => h.attempts.length > 0);
}
