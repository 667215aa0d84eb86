import { type AgentProgress, emptyAgentProgress, withCall } from "./agent-progress";
import { addUsage, type UsageByModel } from "./cost";
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
  /** A delay, wait or sub-flow node parked on something outside its run. */
  parked?: Parked;
  /** An agent's model turns and tool calls (agent-progress.ts). */
  agent?: AgentProgress;
  /** Waiting for its rate limit's token (`passed` once the wait is over: the attempt then runs without asking again). */
  throttled?: { until: string; key: string; passed?: boolean };
  /** What the current attempt sent out (an agent's prompt, an HTTP request). */
  input?: unknown;
  /** What the current attempt has streamed so far (an agent's tokens). */
  streamed?: string;
  /** When the next attempt of a retrying node starts. */
  retryAt?: string;
  startedAt?: string;
  finishedAt?: string;
}

/**
 * What a parked node waits for, and what ended the wait once it arrived: a resume or a child's
 * end may arrive while the attempt that parks the node is still in flight (the outside system
 * answers the notify at once; a child of pure steps ends before its parent hears it started).
 */
export interface Parked {
  /** delay: the timer's due time. */
  until?: string;
  /** wait: the URL that resumes it, and its deadline. */
  resumeUrl?: string;
  timeoutAt?: string;
  /** subflow: the child run. */
  runId?: string;
  ended?: { output: unknown } | { error: RunError };
}

/** A run undoing what it did (compensation.started), and whether its handlers are done. */
export interface Compensation {
  reason: "failed" | "cancelled" | "end";
  /** Steps whose handlers run, in that order (latest completed first). */
  steps: string[];
  error?: RunError;
  cancelReason?: string;
  output?: unknown;
  finished?: boolean;
}

export interface RunState {
  status: RunStatus;
  compensation?: Compensation;
  /** Tokens its agents used, by model (lib/run/cost.ts). */
  usage?: UsageByModel;
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
 * A node map being changed in place by one fold (a batch, or one step of the engine): nobody
 * else reads it meanwhile, so no event copies it. Copying the map per event, and later per
 * batch, made runs with thousands of node instances quadratic.
 */
interface Draft {
  /**
   * What this draft replaced, by key (undefined: the key is new), so that it can be undone.
   * Absent when the map is a private copy, which is simply dropped instead.
   */
  replaced?: Map<string, NodeRunState | undefined>;
  /** Objects this draft created (once it creates one): later events of the same draft may change them in place. */
  fresh?: WeakSet<object>;
}
const drafts = new WeakMap<object, Draft>();

/**
 * A structure kept up to date with a node map's changes (server/engine/core/open-index.ts): a
 * node map is only ever changed in place by a draft, and each change is reported here.
 */
export interface NodeMapIndex {
  /** `key` changed from `before` (undefined: it is new) to `after`. */
  changed(key: string, before: NodeRunState | undefined, after: NodeRunState): void;
}
/** By node map, by the function that builds the index. */
const indexes = new WeakMap<object, Map<(nodes: RunState["nodes"]) => NodeMapIndex, NodeMapIndex>>();

/**
 * The index `build` makes of `state`'s node map: built on first use (a pass over the map), then
 * kept up to date with every change a draft makes to the map, for as long as the map lives.
 */
export function nodeMapIndex<I extends NodeMapIndex>(state: RunState, build: (nodes: RunState["nodes"]) => I): I {
  let byBuilder = indexes.get(state.nodes);
  if (!byBuilder) {
    byBuilder = new Map();
    indexes.set(state.nodes, byBuilder);
  }
  let index = byBuilder.get(build) as I | undefined;
  if (!index) {
    index = build(state.nodes);
    byBuilder.set(build, index);
  }
  return index;
}

/**
 * `before` with `patch` applied (a key in `patch` wins, also when it clears a field). Every
 * record has every field, in one order (absent ones undefined): one object shape for all node
 * instances keeps reading them fast, and all fields fit in the object itself.
 */
function nodeRecord(
  e: { nodeId: string; path?: number[] },
  before: NodeRunState | undefined,
  patch: Partial<NodeRunState>,
): NodeRunState {
  return {
    nodeId: e.nodeId,
    path: before?.path ?? pathOf(e),
    status: field(patch, before, "status") ?? "pending",
    attempt: field(patch, before, "attempt") ?? 0,
    output: field(patch, before, "output"),
    error: field(patch, before, "error"),
    handles: field(patch, before, "handles"),
    loop: field(patch, before, "loop"),
    approval: field(patch, before, "approval"),
    parked: field(patch, before, "parked"),
    agent: field(patch, before, "agent"),
    throttled: field(patch, before, "throttled"),
    input: field(patch, before, "input"),
    streamed: field(patch, before, "streamed"),
    retryAt: field(patch, before, "retryAt"),
    startedAt: field(patch, before, "startedAt"),
    finishedAt: field(patch, before, "finishedAt"),
  };
}

const field = <K extends keyof NodeRunState>(
  patch: Partial<NodeRunState>,
  before: NodeRunState | undefined,
  k: K,
): NodeRunState[K] | undefined => (k in patch ? patch[k] : before?.[k]);

const setNode = (state: RunState, e: { nodeId: string; path?: number[] }, patch: Partial<NodeRunState>): RunState => {
  const key = nodeKey(e.nodeId, pathOf(e));
  const before = state.nodes[key];
  const node = nodeRecord(e, before, patch);
  const draft = drafts.get(state.nodes);
  if (!draft) return { ...state, nodes: { ...state.nodes, [key]: node } };
  if (draft.replaced && !draft.replaced.has(key)) draft.replaced.set(key, before);
  state.nodes[key] = node;
  const known = indexes.get(state.nodes);
  if (known) for (const index of known.values()) index.changed(key, before, node);
  return state;
};

const loopOf = (state: RunState, e: { nodeId: string; path?: number[] }): LoopProgress =>
  state.nodes[nodeKey(e.nodeId, pathOf(e))]?.loop ?? { started: 0, outputs: {} };

/** A node parks (status waiting) on `what`, keeping what already ended its wait (see Parked). */
function park(s: RunState, e: { nodeId: string; path?: number[] }, attempt: number, what: Parked): RunState {
  const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
  if (node?.status !== "running" || node.attempt !== attempt) return s;
  return setNode(s, e, { status: "waiting", parked: { ...node.parked, ...what } });
}

/** Changes the agent progress of a node instance that runs or waits in `attempt` (an older attempt's news are dropped). */
function agentChange(
  s: RunState,
  e: { nodeId: string; path?: number[] },
  attempt: number | undefined,
  change: (progress: AgentProgress) => AgentProgress,
): RunState {
  const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
  if (!node || (node.status !== "running" && node.status !== "waiting")) return s;
  if (attempt !== undefined && node.attempt !== attempt) return s;
  const before = node.agent ?? emptyAgentProgress();
  const after = change(before);
  return after === before ? s : setNode(s, e, { agent: after });
}

/** Why a sub-flow node fails when its child run did not succeed. */
export const childRunFailure = (runId: string, status: string, error: RunError | undefined) =>
  status === "cancelled"
    ? `the called run ${runId} was cancelled`
    : `the called run ${runId} failed: ${error?.message ?? "unknown error"}`;

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
      parked: undefined,
      throttled: undefined,
      // A retry goes on from the turns and calls already recorded; a first attempt starts afresh.
      ...(e.data.attempt === 1 && { agent: undefined }),
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
  "node.succeeded": (s, e, at) => {
    const next = setNode(s, e, {
      status: "succeeded",
      output: e.data.output,
      handles: e.data.handles,
      finishedAt: at,
    });
    // A result reused from the failed run a retry retries was paid for there.
    return e.data.usage && !e.data.reusedFrom ? { ...next, usage: addUsage(next.usage, e.data.usage) } : next;
  },
  "node.failed": (s, e, at) => setNode(s, e, { status: "failed", error: e.data.error, finishedAt: at }),
  "node.skipped": (s, e, at) => setNode(s, e, { status: "skipped", finishedAt: at }),
  "node.retrying": (s, e) => setNode(s, e, { status: "retrying", error: e.data.error, retryAt: e.data.retryAt }),
  "node.cancelled": (s, e, at) => setNode(s, e, { status: "cancelled", finishedAt: at }),
  "timer.fired": (s) => (s.status === "waiting" ? { ...s, status: "running" } : s),
  "run.waiting": (s) => ({ ...s, status: "waiting" }),
  "approval.requested": (s, e) => {
    const callId = e.data.callId;
    if (callId === undefined) return setNode(s, e, { status: "waiting", approval: { request: e.data, decisions: [] } });
    return agentChange(s, e, undefined, (p) =>
      withCall(p, callId, (call) => (call.approval ? undefined : { approval: { request: e.data, decisions: [] } })),
    );
  },
  "approval.escalated": (s, e, at) => {
    const { assignees, timeoutAt, level, callId } = e.data;
    // The task now belongs to the level's assignees, with its new deadline (a node's, or a tool call's).
    const escalated = <A extends NonNullable<NodeRunState["approval"]>>(approval: A): A => ({
      ...approval,
      request: { ...approval.request, assignees, timeoutAt },
      escalations: [...(approval.escalations ?? []), { level, at, assignees, timeoutAt }],
    });
    if (callId !== undefined)
      return agentChange(s, e, undefined, (p) =>
        withCall(p, callId, (call) => (call.approval ? { approval: escalated(call.approval) } : undefined)),
      );
    const approval = s.nodes[nodeKey(e.nodeId, pathOf(e))]?.approval;
    return approval ? setNode(s, e, { approval: escalated(approval) }) : s;
  },
  "approval.decided": (s, e) => {
    const callId = e.data.callId;
    if (callId !== undefined)
      return agentChange(s, e, undefined, (p) =>
        withCall(p, callId, (call) =>
          call.approval
            ? { approval: { ...call.approval, decisions: [...call.approval.decisions, e.data] } }
            : undefined,
        ),
      );
    const approval = s.nodes[nodeKey(e.nodeId, pathOf(e))]?.approval;
    if (!approval) return s;
    return setNode(s, e, { approval: { ...approval, decisions: [...approval.decisions, e.data] } });
  },
  "node.waiting": (s, e) => park(s, e, e.data.attempt, { until: e.data.until }),
  "wait.started": (s, e) => park(s, e, e.data.attempt, { resumeUrl: e.data.resumeUrl, timeoutAt: e.data.timeoutAt }),
  "wait.resumed": (s, e) => {
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (!node || (node.status !== "running" && node.status !== "waiting") || node.parked?.ended) return s;
    return setNode(s, e, { parked: { ...node.parked, ended: { output: e.data.body } } });
  },
  "subflow.started": (s, e) => {
    const callId = e.data.callId;
    if (callId === undefined) return park(s, e, e.data.attempt, { runId: e.data.runId });
    return agentChange(s, e, undefined, (p) => withCall(p, callId, () => ({ runId: e.data.runId })));
  },
  "subflow.finished": (s, e) => {
    const callId = e.data.callId;
    if (callId !== undefined)
      return agentChange(s, e, undefined, (p) =>
        withCall(p, callId, (call) =>
          call.ended || call.returned
            ? undefined
            : {
                runId: e.data.runId,
                ended:
                  e.data.status === "succeeded"
                    ? { output: e.data.output ?? null }
                    : {
                        error: {
                          message: childRunFailure(e.data.runId, e.data.status, e.data.error),
                          nodeId: e.nodeId,
                          retryable: false,
                        },
                      },
              },
        ),
      );
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (!node || node.attempt !== e.data.attempt || node.parked?.ended) return s;
    if (node.status !== "running" && node.status !== "waiting") return s;
    const { status, output, error, runId } = e.data;
    const ended =
      status === "succeeded"
        ? { output: output ?? null }
        : { error: { message: childRunFailure(runId, status, error), nodeId: e.nodeId, retryable: false } };
    return setNode(s, e, { parked: { ...node.parked, runId, ended } });
  },
  "node.resumed": (s, e) => {
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (node?.status !== "waiting" || node.attempt !== e.data.attempt) return s;
    const throttled = node.throttled && { ...node.throttled, passed: true };
    const next = setNode(s, e, { status: "running", ...(throttled && { throttled }) });
    return next.status === "waiting" ? { ...next, status: "running" } : next;
  },
  "node.throttled": (s, e) => {
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (node?.status !== "running" || node.attempt !== e.data.attempt) return s;
    return setNode(s, e, { status: "waiting", throttled: { until: e.data.until, key: e.data.key } });
  },
  "agent.waiting": (s, e) => {
    const node = s.nodes[nodeKey(e.nodeId, pathOf(e))];
    if (node?.status !== "running" || node.attempt !== e.data.attempt) return s;
    return setNode(s, e, { status: "waiting" });
  },
  "agent.turn": (s, e, at) => {
    const next = agentChange(s, e, e.data.attempt, (p) =>
      p.turns.some((t) => t.step === e.data.step) ? p : { ...p, turns: [...p.turns, { ...e.data, at }] },
    );
    // The turn keeps its text: what streams next is the next turn's.
    return next === s ? s : setNode(next, e, { streamed: undefined });
  },
  "tool.called": (s, e, at) =>
    agentChange(s, e, e.data.attempt, (p) =>
      p.calls[e.data.callId]
        ? p
        : {
            ...p,
            calls: {
              ...p.calls,
              [e.data.callId]: { callId: e.data.callId, name: e.data.name, args: e.data.args, calledAt: at },
            },
          },
    ),
  "tool.returned": (s, e, at) => {
    const { attempt: _attempt, callId, ...returned } = e.data;
    return agentChange(s, e, undefined, (p) =>
      withCall(p, callId, (call) => (call.returned ? undefined : { returned: { ...returned, at } })),
    );
  },
  "tool.expired": (s, e) =>
    agentChange(s, e, undefined, (p) =>
      withCall(p, e.data.callId, (call) => (call.expired || call.returned ? undefined : { expired: e.data.action })),
    ),
  "loop.items": (s, e) => setNode(s, e, { loop: { ...loopOf(s, e), items: e.data.items } }),
  "loop.iteration": (s, e) =>
    setNode(s, e, { loop: { ...loopOf(s, e), started: Math.max(loopOf(s, e).started, e.data.index + 1) } }),
  "loop.iterated": (s, e) => {
    const loop = loopOf(s, e);
    // Copied once per draft, not per iteration: a loop of 10,000 items copied 50 million entries.
    const draft = drafts.get(s.nodes);
    let outputs = loop.outputs;
    if (draft?.fresh?.has(outputs)) outputs[e.data.index] = e.data.output;
    else {
      outputs = { ...outputs, [e.data.index]: e.data.output };
      if (draft) {
        draft.fresh ??= new WeakSet();
        draft.fresh.add(outputs);
      }
    }
    const checked = e.data.done === undefined ? loop.checked : { index: e.data.index, done: e.data.done };
    return setNode(s, e, { loop: { ...loop, outputs, checked } });
  },
  "loop.until": (s, e) =>
    setNode(s, e, { loop: { ...loopOf(s, e), checked: { index: e.data.index, done: e.data.done } } }),
  "compensation.started": (s, e) => (s.compensation ? s : { ...s, compensation: e.data }),
  "run.overdue": (s) => s,
  "compensation.finished": (s) => (s.compensation ? { ...s, compensation: { ...s.compensation, finished: true } } : s),
  "run.paused": (s) => (s.status === "running" || s.status === "waiting" ? { ...s, status: "paused" } : s),
  "run.resumed": (s) => (s.status === "paused" ? { ...s, status: "running" } : s),
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
 * Runs `work` on a copy of `state` whose node map may be changed in place (see Draft); the map
 * is released when `work` returns, so the result is an ordinary immutable state. Inside a
 * draft already, `work` runs on it.
 */
export function withOwnedNodes<T>(state: RunState, work: (draft: RunState) => T): T {
  if (drafts.has(state.nodes)) return work(state); // already a draft: its owner copied it or gave it up
  const nodes = { ...state.nodes };
  drafts.set(nodes, {});
  try {
    return work({ ...state, nodes });
  } finally {
    drafts.delete(nodes);
  }
}

/** What a draft in place replaced, until it is kept or undone (undoDraft). */
const undoable = new WeakMap<RunState, { nodes: RunState["nodes"]; replaced: Map<string, NodeRunState | undefined> }>();
/** The latest draft in place of each map: only that one may still be undone. */
const latest = new WeakMap<object, Map<string, NodeRunState | undefined>>();

/**
 * Runs `work` (which awaits: the engine's batch, with its inline steps) on a draft that changes
 * `state`'s own node map in place, so a batch costs what it changes, not the size of the run.
 * The caller gives `state` up: other holders of it see the map change. What the draft replaces
 * is remembered: when `work` throws, the map is put back as `state` had it, and so does
 * `undoDraft(result)` when storing the result fails. Nothing but `work` may hold the draft meanwhile.
 */
export async function withOwnedNodesAsync(
  state: RunState,
  work: (draft: RunState) => Promise<RunState>,
): Promise<RunState> {
  if (drafts.has(state.nodes)) return work(state);
  const nodes = state.nodes;
  const replaced = new Map<string, NodeRunState | undefined>();
  drafts.set(nodes, { replaced });
  latest.set(nodes, replaced);
  let result: RunState;
  try {
    result = await work({ ...state });
  } catch (error) {
    drafts.delete(nodes);
    undo(nodes, replaced);
    throw error;
  }
  drafts.delete(nodes);
  undoable.set(result, { nodes, replaced });
  return result;
}

/**
 * Puts the node map of the state a draft in place produced (withOwnedNodesAsync) back as it was
 * before the draft: its events could not be stored. No effect on other states, or once another
 * draft has changed the map since.
 */
export function undoDraft(result: RunState): void {
  const draft = undoable.get(result);
  undoable.delete(result);
  if (!draft || latest.get(draft.nodes) !== draft.replaced) return;
  undo(draft.nodes, draft.replaced);
}

function undo(nodes: RunState["nodes"], replaced: Map<string, NodeRunState | undefined>) {
  latest.delete(nodes);
  for (const [key, before] of replaced) {
    if (before === undefined) delete nodes[key];
    else nodes[key] = before;
  }
  indexes.delete(nodes); // rebuilt from the map when next asked for
}

export function foldRunEvents(events: readonly (EngineEvent & { seq: number; at: string })[]): RunState {
  return applyRunEvents(initialRunState(), events);
}
