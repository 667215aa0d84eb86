import type { EngineEvent } from "../../../lib/run/events";

/** Effects the runtime carries out after the events that decided them are committed. */
export type Command =
  | {
      type: "execute";
      nodeId: string;
      /** Enclosing loop iterations ([] outside loops); `iteration` is the innermost. */
      path: number[];
      iteration: number;
      attempt: number;
      /** `runId:nodeId:iteration:attempt`, passed to outside calls so a repeat is recognised. */
      idempotencyKey: string;
    }
  /** Arm a durable timer; when it falls due the runtime feeds `event` back in (once). */
  | { type: "schedule"; key: string; dueAt: string; event: EngineEvent }
  /** Stop attempts in flight: their outcome no longer matters. */
  | { type: "abort"; nodeIds: string[] }
  /** Evaluate a repeat loop's `until` after iteration `index`; feed back `loop.until`. */
  | { type: "evaluate-until"; nodeId: string; path: number[]; index: number };

/** `runId:nodeId:iteration:attempt`; inside nested loops the iteration is the path, e.g. 2.0. */
export function idempotencyKey(runId: string, nodeId: string, path: readonly number[], attempt: number): string {
  return `${runId}:${nodeId}:${path.length === 0 ? 0 : path.join(".")}:${attempt}`;
}

/**
 * The node instance and attempt an idempotency key names, read back with the graph: a node
 * inside a loop has a path, one outside has none (both spell a single 0 the same way).
 */
export function instanceOfKey(
  graph: { nodes: ReadonlyMap<string, { parentId?: string }> },
  key: string,
): { nodeId: string; path: number[]; attempt: number } | undefined {
  const [, nodeId, pathText, attemptText] = key.split(":");
  const node = nodeId === undefined ? undefined : graph.nodes.get(nodeId);
  if (!node || pathText === undefined || attemptText === undefined) return undefined;
  const path = node.parentId === undefined ? [] : pathText.split(".").map(Number);
  return { nodeId: nodeId!, path, attempt: Number(attemptText) };
}

/** Which node instance an event is about (`path` only inside loops). */
export const ref = (nodeId: string, path: number[]) => ({
  nodeId,
  iteration: path.at(-1) ?? 0,
  ...(path.length > 0 && { path }),
});

export const executeCommand = (
  runId: string,
  nodeId: string,
  path: number[],
  attempt: number,
): Extract<Command, { type: "execute" }> => ({
  type: "execute",
  nodeId,
  path,
  iteration: path.at(-1) ?? 0,
  attempt,
  idempotencyKey: idempotencyKey(runId, nodeId, path, attempt),
});

export const retryTimer = (runId: string, nodeId: string, path: number[], attempt: number, dueAt: string): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, path, attempt)}:retry`,
  dueAt,
  event: { type: "timer.fired", ...ref(nodeId, path), data: { purpose: "retry", attempt } },
});

/** The deadline of an approval at escalation `level` (0: as requested); each level has its own timer. */
export const approvalTimer = (runId: string, nodeId: string, path: number[], dueAt: string, level = 0): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, path, 1)}:approval-timeout${level > 0 ? `:${level}` : ""}`,
  dueAt,
  event: {
    type: "timer.fired",
    ...ref(nodeId, path),
    data: { purpose: "approval-timeout", attempt: 1, ...(level > 0 && { level }) },
  },
});

/** When a delay's wait is over. */
export const delayTimer = (runId: string, nodeId: string, path: number[], attempt: number, dueAt: string): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, path, attempt)}:delay`,
  dueAt,
  event: { type: "timer.fired", ...ref(nodeId, path), data: { purpose: "delay", attempt } },
});

/** When a wait node gives up and follows `timeout`. */
export const waitTimer = (runId: string, nodeId: string, path: number[], attempt: number, dueAt: string): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, path, attempt)}:wait-timeout`,
  dueAt,
  event: { type: "timer.fired", ...ref(nodeId, path), data: { purpose: "wait-timeout", attempt } },
});

/** The deadline of the approval an agent's tool call waits for. */
export const toolApprovalTimer = (
  runId: string,
  nodeId: string,
  path: number[],
  attempt: number,
  callId: string,
  dueAt: string,
  level = 0,
): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, path, attempt)}:${callId}:approval-timeout${level > 0 ? `:${level}` : ""}`,
  dueAt,
  event: {
    type: "timer.fired",
    ...ref(nodeId, path),
    data: { purpose: "approval-timeout", attempt, callId, ...(level > 0 && { level }) },
  },
});

/** The idempotency key of one tool call of an attempt (its HTTP request, its child run). */
export const toolCallKey = (attemptKey: string, callId: string) => `${attemptKey}:${callId}`;

/** The tool call a key made by toolCallKey names (undefined: the key is an attempt's own). */
export const callIdOfKey = (key: string): string | undefined => key.split(":")[4];

/** When a throttled attempt's reserved token is due. */
export const throttleTimer = (
  runId: string,
  nodeId: string,
  path: number[],
  attempt: number,
  dueAt: string,
): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, path, attempt)}:throttle`,
  dueAt,
  event: { type: "timer.fired", ...ref(nodeId, path), data: { purpose: "throttle", attempt } },
});

/** When a run with the flow setting maxDurationMs has taken too long. */
export const overdueTimer = (runId: string, startedAt: string, maxDurationMs: number): Command => ({
  type: "schedule",
  key: `${runId}:max-duration`,
  dueAt: new Date(Date.parse(startedAt) + maxDurationMs).toISOString(),
  event: { type: "run.overdue", data: { maxDurationMs } },
});
