// Test helpers for the core: a small graph builder and a simulated runtime. Used by tests only.

import type { FlowDocument, FlowNode } from "../../../lib/flow/document";
import { type NodeType, nodeKind, successHandles } from "../../../lib/flow/kinds";
import { eventLabel } from "../../../lib/run/event-label";
import type { ApprovalRequest, Decision, EngineEvent } from "../../../lib/run/events";
import { nodeRef } from "../../../lib/run/node-ref";
import { initialRunState, nodeKey, type RunState, withOwnedNodes } from "../../../lib/run/state";
import { advance } from "./advance";
import type { Command } from "./commands";
import { compileFlow } from "./graph";

/**
 * Builds a flow from node declarations ([type, data, parent loop]) and edges written "source.handle -> target"
 * (".handle" defaults to "out"; targets always use "in").
 */
export function flow(
  nodes: Record<string, [NodeType, Record<string, unknown>?, string?]>,
  edges: string[],
): FlowDocument {
  const list: FlowNode[] = Object.entries(nodes).map(([id, [type, data, parentId]], i) => ({
    id,
    type,
    position: { x: i * 100, y: 0 },
    ...(parentId && { parentId }),
    data: { ...(nodeKind(type).defaultData() as Record<string, unknown>), ...data },
  }));
  return {
    schemaVersion: 1,
    name: "test",
    description: "",
    nodes: list,
    edges: edges.map((text, i) => {
      const [from, target] = text.split("->").map((s) => s.trim()) as [string, string];
      const [source, sourceHandle = "out"] = from.split(".") as [string, string?];
      return { id: `e${i}`, source, sourceHandle, target, targetHandle: "in" };
    }),
  };
}

const approvalRequest: ApprovalRequest = {
  title: "Review",
  instructions: "",
  show: null,
  assignees: { users: [], roles: [], groups: [] },
  requiredApprovals: 1,
  allowRequesterToApprove: false,
  form: [],
};

export type Outcome = { output?: unknown; handles?: string[] } | { error: string; retryable?: boolean };

export interface Simulation {
  state: RunState;
  log: EngineEvent[];
  /** "type:nodeId" (or "type") per event, the shape most tests assert on. */
  trace: string[];
  commands: Command[];
}

/**
 * Drives the core as the runtime would. Each execute completes with `outcomes[node][attempt-1]`
 * (default: success with the output "<id>"), in issue order, except nodes in `last`, which
 * complete only when nothing else is left. Timers fire immediately.
 */
export function simulate(
  doc: FlowDocument,
  options: {
    outcomes?: Record<string, Outcome[]>;
    last?: string[];
    input?: unknown;
    startedBy?: { id: string; name: string };
    cancelAfter?: string;
    /** Decisions fed to an approval once it waits. */
    decisions?: Record<string, Pick<Decision, "decision" | "by" | "comment">[]>;
    /** Approvals whose deadline passes (other approval timers never fire). */
    timeouts?: string[];
    /** Approval request fields, e.g. a deadline. */
    request?: Partial<ApprovalRequest>;
    /** forEach lists, by loop id. */
    items?: Record<string, unknown[]>;
    /** repeat: whether `until` holds after pass `index` (default: never). */
    until?: Record<string, (index: number, output: unknown) => boolean>;
    /** Picks which of `count` outstanding commands completes next (default: the first not in `last`). */
    order?: (count: number) => number;
    /**
     * Keep one node map for the whole run, changed in place by every step, as the engine does
     * within a batch (its index is then kept up to date rather than rebuilt per step).
     */
    inPlace?: boolean;
    /** Plan by looking at every node instead of the frontier (frontier.ts). */
    everyNode?: boolean;
    /** `until` answered inside the planning pass (as the runtime's quick evaluator does), not by a command. */
    untilInPass?: boolean;
  } = {},
): Simulation {
  const start = initialRunState();
  return options.inPlace
    ? withOwnedNodes(start, (draft) => simulateFrom(doc, options, draft))
    : simulateFrom(doc, options, start);
}

function simulateFrom(doc: FlowDocument, options: Parameters<typeof simulate>[1] & {}, initial: RunState): Simulation {
  const graph = compileFlow(doc);
  const now = "2026-01-01T00:00:00.000Z";
  const log: EngineEvent[] = [];
  const commands: Command[] = [];
  let state = initial;
  let pending: Command[] = [];
  const untilNow = options.untilInPass
    ? (_: RunState, loopId: string, _path: number[], index: number, output: unknown) =>
        options.until?.[loopId]?.(index, output) ?? false
    : undefined;
  const feed = (event: EngineEvent) => {
    const step = advance(graph, "run1", state, event, now, { everyNode: options.everyNode, untilNow });
    log.push(event, ...step.events);
    state = step.state;
    commands.push(...step.commands);
    for (const c of step.commands) {
      if (c.type === "abort") pending = pending.filter((p) => !(p.type === "execute" && c.nodeIds.includes(p.nodeId)));
      else pending.push(c);
    }
    if (
      options.cancelAfter &&
      "nodeId" in event &&
      event.nodeId === options.cancelAfter &&
      event.type === "node.succeeded"
    ) {
      feed({ type: "run.cancelled", data: { reason: "test" } });
    }
  };
  feed({
    type: "run.started",
    data: { input: options.input ?? {}, ...(options.startedBy && { startedBy: options.startedBy }) },
  });
  for (let guard = 0; pending.length > 0 && guard < 1_000; guard++) {
    const index = options.order
      ? options.order(pending.length)
      : pending.findIndex((c) => c.type !== "execute" || !options.last?.includes(c.nodeId));
    const command = pending.splice(index === -1 ? 0 : index, 1)[0]!;
    if (command.type === "schedule") {
      const e = command.event;
      const approvalTimer = e.type === "timer.fired" && e.data.purpose === "approval-timeout";
      if (!approvalTimer || options.timeouts?.includes(e.nodeId)) feed(e);
      continue;
    }
    if (command.type === "evaluate-until") {
      const output = state.nodes[nodeKey(command.nodeId, command.path)]?.loop?.outputs[command.index];
      const done = options.until?.[command.nodeId]?.(command.index, output) ?? false;
      feed({ type: "loop.until", ...nodeRef(command.nodeId, command.path), data: { index: command.index, done } });
      continue;
    }
    if (command.type !== "execute") continue;
    const outcome = options.outcomes?.[command.nodeId]?.[command.attempt - 1] ?? {};
    const ref = nodeRef(command.nodeId, command.path);
    if (graph.nodes.get(command.nodeId)?.type === "loop") {
      feed({ type: "loop.items", ...ref, data: { items: options.items?.[command.nodeId] ?? [] } });
      continue;
    }
    if (graph.nodes.get(command.nodeId)?.type === "approval" && !options.outcomes?.[command.nodeId]) {
      const data = graph.nodes.get(command.nodeId)!.data;
      const fromNode = {
        requiredApprovals: Number(data.requiredApprovals ?? 1),
        allowRequesterToApprove: data.allowRequesterToApprove === true,
      };
      feed({ type: "approval.requested", ...ref, data: { ...approvalRequest, ...fromNode, ...options.request } });
      for (const d of options.decisions?.[command.nodeId] ?? []) {
        if (state.nodes[nodeKey(command.nodeId, command.path)]?.status !== "waiting") break;
        feed({ type: "approval.decided", ...ref, data: { form: {}, ...d, at: now } });
      }
      continue;
    }
    if ("error" in outcome) {
      feed({
        type: "node.failed",
        ...ref,
        data: {
          attempt: command.attempt,
          error: { message: outcome.error, nodeId: command.nodeId, retryable: outcome.retryable ?? false },
        },
      });
    } else {
      const node = graph.nodes.get(command.nodeId)!;
      const kind = nodeKind(node.type as NodeType);
      // By default a success takes every handle but `error`; a branch must be told which case it took.
      const handles = outcome.handles ?? (node.type === "branch" ? [] : successHandles(kind, node.data));
      const output =
        outcome.output ?? (command.path.length > 0 ? `${command.nodeId}#${command.path.join(".")}` : command.nodeId);
      feed({ type: "node.succeeded", ...ref, data: { attempt: command.attempt, output, handles } });
    }
  }
  const trace = log.map(eventLabel);
  return { state, log, trace, commands };
}
