import type { FlowNode } from "../../../lib/flow/document";
import { isNodeType, nodeKind } from "../../../lib/flow/kinds";
import { approvalDataSchema } from "../../../lib/flow/kinds/approval";
import { joinDataSchema } from "../../../lib/flow/kinds/join";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import type { EngineEvent } from "../../../lib/run/events";
import { applyRunEvent, nodeKey, nodeStatus, type RunState } from "../../../lib/run/state";
import { type ApprovalResult, approvalOutput, decisionsResult } from "./approvals";
import { retryDelayMs } from "./backoff";
import { type Command, idempotencyKey } from "./commands";
import { type EdgeState, edgeState } from "./edges";
import { exclusiveAncestors, type FlowGraph } from "./graph";
import { retriesLeft } from "./retries";

export interface Advance {
  state: RunState;
  /** Decisions taken by the core, already folded into `state`, to be stored after `event`. */
  events: EngineEvent[];
  /** Effects to carry out once `event` and `events` are stored. */
  commands: Command[];
}

/**
 * The interpreter: folds one event into the state and decides what follows. Pure: `now` and
 * `runId` come from the caller; nothing is read or written here. Decisions are taken from
 * the state (not from the event alone), so `resume` after a crash reaches the same ones.
 */
export function advance(graph: FlowGraph, runId: string, state: RunState, event: EngineEvent, now: string): Advance {
  const next = applyRunEvent(state, event, now);
  const planner = new Planner(graph, runId, next, now);
  if (event.type === "timer.fired" && event.data.purpose === "retry")
    planner.retryDue(event.nodeId, event.data.attempt);
  if (event.type === "timer.fired" && event.data.purpose === "approval-timeout") planner.approvalTimedOut(event.nodeId);
  if (event.type === "approval.requested" && event.data.timeoutAt) {
    planner.commands.push(approvalTimer(runId, event.nodeId, event.data.timeoutAt));
  }
  return planner.plan();
}

/** Commands for a run rebuilt from its events after a restart: in-flight attempts run again, timers are re-armed. */
export function resume(graph: FlowGraph, runId: string, state: RunState, now: string): Advance {
  const planner = new Planner(graph, runId, state, now);
  for (const node of graph.document.nodes) {
    const current = state.nodes[nodeKey(node.id)];
    if (current?.status === "running") planner.commands.push(executeCommand(runId, node.id, current.attempt));
    if (current?.status === "retrying")
      planner.commands.push(retryTimer(runId, node.id, current.attempt, current.retryAt!));
  }
  return planner.plan();
}

const executeCommand = (runId: string, nodeId: string, attempt: number): Command => ({
  type: "execute",
  nodeId,
  iteration: 0,
  attempt,
  idempotencyKey: idempotencyKey(runId, nodeId, 0, attempt),
});

const retryTimer = (runId: string, nodeId: string, attempt: number, dueAt: string): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, 0, attempt)}:retry`,
  dueAt,
  event: { type: "timer.fired", nodeId, iteration: 0, data: { purpose: "retry", attempt } },
});

const approvalTimer = (runId: string, nodeId: string, dueAt: string): Command => ({
  type: "schedule",
  key: `${idempotencyKey(runId, nodeId, 0, 1)}:approval-timeout`,
  dueAt,
  event: { type: "timer.fired", nodeId, iteration: 0, data: { purpose: "approval-timeout", attempt: 1 } },
});

const unfinished = new Set(["pending", "running", "retrying", "waiting"]);

class Planner {
  readonly events: EngineEvent[] = [];
  readonly commands: Command[] = [];

  constructor(
    private readonly graph: FlowGraph,
    private readonly runId: string,
    private state: RunState,
    private readonly now: string,
  ) {}

  private decide(event: EngineEvent) {
    this.events.push(event);
    this.state = applyRunEvent(this.state, event, this.now);
  }

  private status(nodeId: string) {
    return nodeStatus(this.state, nodeId);
  }

  /** A retry timer fell due: start the next attempt if the node is still waiting for it. */
  retryDue(nodeId: string, attempt: number) {
    const current = this.state.nodes[nodeKey(nodeId)];
    if (this.state.status !== "running" || current?.status !== "retrying" || current.attempt !== attempt) return;
    this.start(nodeId, attempt + 1);
  }

  /** An approval's deadline passed: take the node's timeout action if nobody finished it. */
  approvalTimedOut(nodeId: string) {
    const current = this.state.nodes[nodeKey(nodeId)];
    const node = this.graph.nodes.get(nodeId);
    if (this.state.status !== "running" || current?.status !== "waiting" || !node) return;
    const action = approvalDataSchema.safeParse(node.data).data?.timeout?.action ?? "reject";
    if (action === "fail") {
      this.decide({
        type: "node.failed",
        nodeId,
        iteration: 0,
        data: {
          attempt: current.attempt,
          error: { message: "nobody decided before the deadline", nodeId, retryable: false },
        },
      });
      return;
    }
    const result: ApprovalResult = action === "approve" ? "approved" : action === "reject" ? "rejected" : "timeout";
    this.finishApproval(nodeId, result);
  }

  private finishApproval(nodeId: string, result: ApprovalResult) {
    const current = this.state.nodes[nodeKey(nodeId)]!;
    this.decide({
      type: "node.succeeded",
      nodeId,
      iteration: 0,
      data: { attempt: current.attempt, output: approvalOutput(current, result, this.now), handles: [result] },
    });
  }

  private start(nodeId: string, attempt: number) {
    this.decide({ type: "node.started", nodeId, iteration: 0, data: { attempt } });
    this.commands.push(executeCommand(this.runId, nodeId, attempt));
  }

  private cancel(nodeIds: string[], reason: string) {
    const wanted = new Set(nodeIds);
    const live = this.graph.document.nodes
      .map((n) => n.id)
      .filter((id) => wanted.has(id) && unfinished.has(this.status(id)));
    for (const nodeId of live) this.decide({ type: "node.cancelled", nodeId, iteration: 0, data: { reason } });
    if (live.length > 0) this.commands.push({ type: "abort", nodeIds: live });
  }

  plan(): Advance {
    if (this.state.status === "cancelled" || this.state.status === "failed") {
      const reason = this.state.status === "cancelled" ? "the run was cancelled" : "the run failed";
      this.cancel(
        this.graph.document.nodes.filter((n) => this.status(n.id) !== "pending").map((n) => n.id),
        reason,
      );
      return this.result();
    }
    if (this.state.status !== "running" && this.state.status !== "waiting") return this.result();

    this.scheduleRetries();
    for (const node of this.graph.document.nodes) {
      const current = this.state.nodes[nodeKey(node.id)];
      const result = current?.status === "waiting" ? decisionsResult(current) : undefined;
      if (result) this.finishApproval(node.id, result);
    }
    const failed = this.graph.document.nodes.find(
      (n) => this.status(n.id) === "failed" && stepSettings(n.data).onError === "fail",
    );
    if (failed) return this.failRun(failed);

    // Skips cascade along dead paths, and a join may free its successors: repeat to a fixpoint.
    let changed = true;
    while (changed) {
      changed = false;
      for (const node of this.graph.document.nodes) {
        if (this.status(node.id) === "pending" && this.tryStart(node)) changed = true;
      }
      if (this.cancelRemaining()) changed = true;
    }
    const joinFailed = this.graph.document.nodes.find(
      (n) => this.status(n.id) === "failed" && stepSettings(n.data).onError === "fail",
    );
    if (joinFailed) return this.failRun(joinFailed);

    const statuses = this.graph.document.nodes.map((n) => this.status(n.id));
    if (!statuses.some((s) => unfinished.has(s))) {
      this.decide({ type: "run.succeeded", data: { output: this.runOutput() } });
    } else if (this.state.status === "running" && !statuses.includes("running")) {
      // Nothing executes; only timers (or, later, decisions) can move the run on.
      this.decide({ type: "run.waiting", data: {} });
    }
    return this.result();
  }

  private result(): Advance {
    return { state: this.state, events: this.events, commands: this.commands };
  }

  /** Failed attempts that may pass next time wait for a durable timer. */
  private scheduleRetries() {
    for (const node of this.graph.document.nodes) {
      const current = this.state.nodes[nodeKey(node.id)];
      if (current?.status !== "failed" || !retriesLeft(node, current)) continue;
      const key = idempotencyKey(this.runId, node.id, 0, current.attempt);
      const retry = stepSettings(node.data).retry!;
      const retryAt = new Date(Date.parse(this.now) + retryDelayMs(retry, current.attempt, key)).toISOString();
      this.decide({
        type: "node.retrying",
        nodeId: node.id,
        iteration: 0,
        data: { attempt: current.attempt, error: current.error!, retryAt },
      });
      this.commands.push(retryTimer(this.runId, node.id, current.attempt, retryAt));
    }
  }

  private failRun(node: FlowNode): Advance {
    const error = this.state.nodes[nodeKey(node.id)]?.error;
    this.decide({
      type: "run.failed",
      data: {
        error: {
          message: `${node.id} failed: ${error?.message ?? "unknown error"}`,
          nodeId: node.id,
          retryable: error?.retryable ?? false,
        },
      },
    });
    return this.plan(); // cancels whatever else is in flight
  }

  /** Starts, skips or fails a pending node once its inbound edges allow; returns whether it did. */
  private tryStart(node: FlowNode): boolean {
    if (isNodeType(node.type) && nodeKind(node.type).inputs.length === 0) {
      this.start(node.id, 1);
      return true;
    }
    const edges: EdgeState[] = (this.graph.inbound.get(node.id) ?? []).map((e) => edgeState(this.graph, this.state, e));
    const active = edges.filter((e) => e === "active").length;
    const resolved = !edges.includes("unresolved");
    const needed = this.activeEdgesNeeded(node);
    if (needed !== undefined && active >= needed) {
      this.start(node.id, 1);
      return true;
    }
    if (!resolved) return false;
    if (active === 0) {
      this.decide({ type: "node.skipped", nodeId: node.id, iteration: 0, data: {} });
    } else if (needed !== undefined) {
      this.decide({
        type: "node.failed",
        nodeId: node.id,
        iteration: 0,
        data: {
          attempt: 1,
          error: {
            message: `only ${active} of the ${needed} paths it waits for arrived`,
            nodeId: node.id,
            retryable: false,
          },
        },
      });
    } else {
      this.start(node.id, 1);
    }
    return true;
  }

  /** For a join in mode any/count: how many active paths fire it early. Otherwise undefined. */
  private activeEdgesNeeded(node: FlowNode): number | undefined {
    if (node.type !== "join") return undefined;
    const join = joinDataSchema.safeParse(node.data);
    if (!join.success || join.data.mode === "all") return undefined;
    return join.data.mode === "any" ? 1 : join.data.count;
  }

  /** A join that fired with cancelRemaining stops the paths still heading into it. */
  private cancelRemaining(): boolean {
    const before = this.events.length;
    for (const node of this.graph.document.nodes) {
      if (node.type !== "join" || !["running", "succeeded"].includes(this.status(node.id))) continue;
      const join = joinDataSchema.safeParse(node.data);
      if (!join.success || !join.data.cancelRemaining) continue;
      this.cancel(exclusiveAncestors(this.graph, node.id), `${node.id} already has the paths it waited for`);
    }
    return this.events.length > before;
  }

  /** One end reached: its output. Several: an object keyed by end id. None: null. */
  private runOutput(): unknown {
    const ends = this.graph.document.nodes.filter((n) => n.type === "end" && this.status(n.id) === "succeeded");
    if (ends.length === 0) return null;
    if (ends.length === 1) return this.state.nodes[nodeKey(ends[0]!.id)]?.output ?? null;
    return Object.fromEntries(ends.map((n) => [n.id, this.state.nodes[nodeKey(n.id)]?.output ?? null]));
  }
}
