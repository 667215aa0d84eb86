import type {
  Actor,
  ApprovalRequest,
  Assignees,
  Decision,
  EngineEvent,
  NodeStatus,
  RunError,
  RunStatus,
} from "./events";

/** A loop node's progress. */
export interface LoopProgress {
  /** forEach: the list; absent until evaluated (and for repeat). */
  items?: unknown[];
  /** Iterations started, and which of them finished (with their outputs). */
  started: number;
  outputs: Record<number, unknown>;
  /** repeat: the last iteration whose `until` was evaluated, and whether it held. */
  checked?: { index: number; done: boolean };
}

export interface NodeRunState {
  nodeId: string;
  /** Enclosing loop iterations, outermost first ([] outside loops). */
  path: number[];
  status: NodeStatus;
  attempt: number;
  output?: unknown;
  error?: RunError;
  handles?: string[];
  loop?: LoopProgress;
  /** An approval node's request and the decisions so far. */
  approval?: {
    /** As requested; `assignees` and `timeoutAt` follow the latest escalation. */
    request: ApprovalRequest;
    decisions: (Decision & { at: string })[];
    /** Escalations so far, oldest first. */
    escalations?: { level: number; at: string; assignees: Assignees; timeoutAt: string }[];
  };
  /** What the current attempt sent out (an agent's prompt, an HTTP request). */
  input?: unknown;
  /** What the current attempt has streamed so far (an agent's tokens). */
  streamed?: string;
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
  /** Keyed by nodeKey(nodeId, path). Nodes not yet touched are absent (pending). */
  nodes: Record<string, NodeRunState>;
  lastSeq: number;
}

export const initialRunState = (): RunState => ({ status: "queued", nodes: {}, lastSeq: 0 });

export function nodeKey(nodeId: string, path: readonly number[] = []): string {
  return path.length === 0 ? nodeId : `${nodeId}#${path.join(".")}`;
}

export function nodeStatus(state: RunState, nodeId: string, path: readonly number[] = []): NodeStatus {
  return state.nodes[nodeKey(nodeId, path)]?.status ?? "pending";
}

/** The `path` of an event about a node (absent outside loops). */
export const pathOf = (e: { path?: number[] }): number[] => e.path ?? [];

type Handler<T extends EngineEvent["type"]> = (
  state: RunState,
  event: Extract<EngineEvent, { type: T }>,
  at: string,
) => RunState;

/**
 * Node maps a batch fold owns: changed in place, since nobody else holds them yet. Copying the
 * map for every event made a run with thousands of node instances quadratic.
 */
const ownedNodes = new WeakSet<object>();

const setNode = (state: RunState, e: { nodeId: string; path?: number[] }, patch: Partial<NodeRunState>): RunState => {
  const path = pathOf(e);
  const key = nodeKey(e.nodeId, path);
  const node = { nodeId: e.nodeId, path, status: "pending" as const, attempt: 0, ...state.nodes[key], ...patch };
  if (ownedNodes.has(state.nodes)) {
    state.nodes[key] = node;
    return state;
  }
  return { ...state, nodes: { ...state.nodes, [key]: node } };
};

const loopOf = (state: RunState, e: { nodeId: string; path?: number[] }): LoopProgress =>
  state.nodes[nodeKey(e.nodeId, pathOf(e))]?.loop ?? { started: 0, outputs: {} };

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
    setNode(s, e, {
      status: "running",
      attempt: e.data.attempt,
      startedAt: at,
      retryAt: undefined,
      error: undefined,
      streamed: undefined,
      input: undefined,
    }),
  "node.input": (s, e) => {
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (node?.status !== "running" || node.attempt !== e.data.attempt) return s;
    return setNode(s, e, { input: e.data.input });
  },
  "node.progress": (s, e) => {
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (node?.status !== "running" || node.attempt !== e.data.attempt) return s; // a late chunk of an older attempt
    return setNode(s, e, { streamed: (node.streamed ?? "") + e.data.text });
  },
  "node.succeeded": (s, e, at) =>
    setNode(s, e, {
      status: "succeeded",
      output: e.data.output,
      handles: e.data.handles,
      finishedAt: at,
    }),
  "node.failed": (s, e, at) => setNode(s, e, { status: "failed", error: e.data.error, finishedAt: at }),
  "node.skipped": (s, e, at) => setNode(s, e, { status: "skipped", finishedAt: at }),
  "node.retrying": (s, e) => setNode(s, e, { status: "retrying", error: e.data.error, retryAt: e.data.retryAt }),
  "node.cancelled": (s, e, at) => setNode(s, e, { status: "cancelled", finishedAt: at }),
  "timer.fired": (s) => (s.status === "waiting" ? { ...s, status: "running" } : s),
  "run.waiting": (s) => ({ ...s, status: "waiting" }),
  "approval.requested": (s, e) => setNode(s, e, { status: "waiting", approval: { request: e.data, decisions: [] } }),
  "approval.escalated": (s, e, at) => {
    const approval = s.nodes[nodeKey(e.nodeId, pathOf(e))]?.approval;
    if (!approval) return s;
    const { assignees, timeoutAt, level } = e.data;
    return setNode(s, e, {
      approval: {
        ...approval,
        request: { ...approval.request, assignees, timeoutAt },
        escalations: [...(approval.escalations ?? []), { level, at, assignees, timeoutAt }],
      },
    });
  },
  "approval.decided": (s, e) => {
    const approval = s.nodes[nodeKey(e.nodeId, pathOf(e))]?.approval;
    if (!approval) return s;
    return setNode(s, e, { approval: { ...approval, decisions: [...approval.decisions, e.data] } });
  },
  "loop.items": (s, e) => setNode(s, e, { loop: { ...loopOf(s, e), items: e.data.items } }),
  "loop.iteration": (s, e) =>
    setNode(s, e, { loop: { ...loopOf(s, e), started: Math.max(loopOf(s, e).started, e.data.index + 1) } }),
  "loop.iterated": (s, e) => {
    const loop = loopOf(s, e);
    return setNode(s, e, { loop: { ...loop, outputs: { ...loop.outputs, [e.data.index]: e.data.output } } });
  },
  "loop.until": (s, e) =>
    setNode(s, e, { loop: { ...loopOf(s, e), checked: { index: e.data.index, done: e.data.done } } }),
  "run.succeeded": (s, e) => ({ ...s, status: "succeeded", output: e.data.output }),
  "run.failed": (s, e) => ({ ...s, status: "failed", error: e.data.error }),
  "run.cancelled": (s) => ({ ...s, status: "cancelled" }),
};

/** Folds one event into the run state. Pure; the browser's run view uses it too. */
export function applyRunEvent(state: RunState, event: EngineEvent, at: string, seq = state.lastSeq + 1): RunState {
  const handler = handlers[event.type] as Handler<EngineEvent["type"]>;
  return { ...handler(state, event, at), lastSeq: seq };
}

/**
 * Folds a batch of stored events: the same result as applying them one by one, with the node
 * map copied once for the batch rather than once per event.
 */
export function applyRunEvents(
  state: RunState,
  events: readonly (EngineEvent & { seq: number; at: string })[],
): RunState {
  if (events.length === 0) return state;
  return withOwnedNodes(state, (draft) => events.reduce((s, e) => applyRunEvent(s, e, e.at, e.seq), draft));
}

/**
 * Runs `work` on a copy of `state` whose node map may be changed in place (see ownedNodes);
 * the map is released when `work` returns, so the result is an ordinary immutable state.
 */
export function withOwnedNodes<T>(state: RunState, work: (draft: RunState) => T): T {
  if (ownedNodes.has(state.nodes)) return work(state); // already a draft: the outer owner copied it
  const nodes = { ...state.nodes };
  ownedNodes.add(nodes);
  try {
    return work({ ...state, nodes });
  } finally {
    ownedNodes.delete(nodes);
  }
}

/** withOwnedNodes for work that awaits; nothing but `work` may hold the draft meanwhile. */
export async function withOwnedNodesAsync<T>(state: RunState, work: (draft: RunState) => Promise<T>): Promise<T> {
  if (ownedNodes.has(state.nodes)) return work(state);
  const nodes = { ...state.nodes };
  ownedNodes.add(nodes);
  try {
    return await work({ ...state, nodes });
  } finally {
    ownedNodes.delete(nodes);
  }
}

export function foldRunEvents(events: readonly (EngineEvent & { seq: number; at: string })[]): RunState {
  return applyRunEvents(initialRunState(), events);
}
