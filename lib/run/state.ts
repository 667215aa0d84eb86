import type { Actor, ApprovalRequest, Decision, EngineEvent, NodeStatus, RunError, RunStatus } from "./events";

export interface NodeRunState {
  status: NodeStatus;
  attempt: number;
  output?: unknown;
  error?: RunError;
  handles?: string[];
  /** An approval node's request and the decisions so far. */
  approval?: { request: ApprovalRequest; decisions: (Decision & { at: string })[] };
  /** When the next attempt of a retrying node starts. */
  retryAt?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface RunState {
  status: RunStatus;
  input?: unknown;
  startedBy?: Actor;
  startedAt?: string;
  output?: unknown;
  error?: RunError;
  /** Keyed by nodeKey(nodeId, iteration). Nodes not yet touched are absent (pending). */
  nodes: Record<string, NodeRunState>;
  lastSeq: number;
}

export const initialRunState = (): RunState => ({ status: "queued", nodes: {}, lastSeq: 0 });

export function nodeKey(nodeId: string, iteration = 0): string {
  return iteration === 0 ? nodeId : `${nodeId}#${iteration}`;
}

export function nodeStatus(state: RunState, nodeId: string, iteration = 0): NodeStatus {
  return state.nodes[nodeKey(nodeId, iteration)]?.status ?? "pending";
}

type Handler<T extends EngineEvent["type"]> = (
  state: RunState,
  event: Extract<EngineEvent, { type: T }>,
  at: string,
) => RunState;

const setNode = (state: RunState, key: string, patch: Partial<NodeRunState>): RunState => ({
  ...state,
  nodes: { ...state.nodes, [key]: { status: "pending", attempt: 0, ...state.nodes[key], ...patch } },
});

/** One handler per event type: the compiler flags a type that is not folded. */
const handlers: { [T in EngineEvent["type"]]: Handler<T> } = {
  "run.started": (s, e, at) => ({
    ...s,
    status: "running",
    input: e.data.input,
    startedBy: e.data.startedBy,
    startedAt: at,
  }),
  "node.started": (s, e, at) =>
    setNode(s, nodeKey(e.nodeId, e.iteration), {
      status: "running",
      attempt: e.data.attempt,
      startedAt: at,
      retryAt: undefined,
      error: undefined,
    }),
  "node.succeeded": (s, e, at) =>
    setNode(s, nodeKey(e.nodeId, e.iteration), {
      status: "succeeded",
      output: e.data.output,
      handles: e.data.handles,
      finishedAt: at,
    }),
  "node.failed": (s, e, at) =>
    setNode(s, nodeKey(e.nodeId, e.iteration), { status: "failed", error: e.data.error, finishedAt: at }),
  "node.skipped": (s, e, at) => setNode(s, nodeKey(e.nodeId, e.iteration), { status: "skipped", finishedAt: at }),
  "node.retrying": (s, e) =>
    setNode(s, nodeKey(e.nodeId, e.iteration), { status: "retrying", error: e.data.error, retryAt: e.data.retryAt }),
  "node.cancelled": (s, e, at) => setNode(s, nodeKey(e.nodeId, e.iteration), { status: "cancelled", finishedAt: at }),
  "timer.fired": (s) => (s.status === "waiting" ? { ...s, status: "running" } : s),
  "run.waiting": (s) => ({ ...s, status: "waiting" }),
  "approval.requested": (s, e) =>
    setNode(s, nodeKey(e.nodeId, e.iteration), { status: "waiting", approval: { request: e.data, decisions: [] } }),
  "approval.decided": (s, e) => {
    const key = nodeKey(e.nodeId, e.iteration);
    const approval = s.nodes[key]?.approval;
    if (!approval) return s;
    return setNode(s, key, { approval: { ...approval, decisions: [...approval.decisions, e.data] } });
  },
  "run.succeeded": (s, e) => ({ ...s, status: "succeeded", output: e.data.output }),
  "run.failed": (s, e) => ({ ...s, status: "failed", error: e.data.error }),
  "run.cancelled": (s) => ({ ...s, status: "cancelled" }),
};

/** Folds one event into the run state. Pure; the browser's run view uses it too. */
export function applyRunEvent(state: RunState, event: EngineEvent, at: string, seq = state.lastSeq + 1): RunState {
  const handler = handlers[event.type] as Handler<EngineEvent["type"]>;
  return { ...handler(state, event, at), lastSeq: seq };
}

export function foldRunEvents(events: readonly (EngineEvent & { seq: number; at: string })[]): RunState {
  return events.reduce((state, e) => applyRunEvent(state, e, e.at, e.seq), initialRunState());
}
