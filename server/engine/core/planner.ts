import type { FlowNode } from "../../../lib/flow/document";
import { inboundRule, isNodeType, nodeKind } from "../../../lib/flow/kinds";
import { approvalDataSchema } from "../../../lib/flow/kinds/approval";
import { loopDataSchema } from "../../../lib/flow/kinds/loop";
import { parallelDataSchema } from "../../../lib/flow/kinds/parallel";
import { parseNodeData } from "../../../lib/flow/kinds/parsed";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import type { EngineEvent } from "../../../lib/run/events";
import { applyRunEvent, type NodeRunState, nodeKey, nodeStatus, pathOf, type RunState } from "../../../lib/run/state";
import { type ApprovalResult, approvalOutput, decisionsResult } from "./approvals";
import { retryDelayMs } from "./backoff";
import { type Command, idempotencyKey } from "./commands";
import { type EdgeState, edgeState } from "./edges";
import { exclusiveAncestors, type FlowGraph, splitBranches } from "./graph";
import { retriesLeft } from "./retries";

export interface Advance {
  state: RunState;
  /** Decisions taken by the core, already folded into `state`, to be stored after `event`. */
  events: EngineEvent[];
  /** Effects to carry out once `event` and `events` are stored. */
  commands: Command[];
}

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

/** The escalation level an approval is at (0: not escalated). */
export const escalationLevel = (n: NodeRunState) => n.approval?.escalations?.length ?? 0;

/** A forEach loop whose list is still being evaluated. */
export const evaluatingItems = (n: NodeRunState) =>
  n.loop !== undefined && n.loop.items === undefined && n.loop.started === 0;

/** A repeat loop's finished iteration whose `until` is not evaluated yet, if any. */
export function untilPending(n: NodeRunState): number | undefined {
  const loop = n.loop;
  if (!loop || loop.items !== undefined || loop.started === 0) return undefined;
  const last = loop.started - 1;
  return last in loop.outputs && loop.checked?.index !== last ? last : undefined;
}

const unfinished = new Set(["pending", "running", "retrying", "waiting"]);
/** Statuses a planning pass looks at (failed: retries and run failure); the rest are done. */
const open = new Set(["running", "retrying", "waiting", "failed"]);
/** Keys an object orders before its other keys (array indices), whatever their insertion order. */
const indexLike = (key: string) => /^(0|[1-9]\d{0,8})$/.test(key);
/** Statuses after which a node instance will not change any more (with its retries exhausted). */
const settled = (graph: FlowGraph, n: NodeRunState | undefined) =>
  n !== undefined &&
  (["succeeded", "skipped", "cancelled"].includes(n.status) ||
    (n.status === "failed" && !retriesLeft(graph.nodes.get(n.nodeId)!, n)));

interface Scope {
  /** The loop whose body this is, or null for the top level. */
  loopId: string | null;
  path: number[];
}

/**
 * Decides what follows from a run state: which nodes start or are skipped, which iterations
 * finish, which retries and deadlines are armed, when the run ends or waits. Each decision is
 * an event folded into the state at once, so later decisions in the same pass see it.
 */
export class Planner {
  readonly events: EngineEvent[] = [];
  readonly commands: Command[] = [];
  /**
   * Keys of open instances, in the node map's order: most instances of a long run are done,
   * and scanning them all several times per event made loops quadratic. Undefined: rebuild.
   */
  private openKeys: string[] | undefined;
  /** openInstances() until the next decision. */
  private openList: NodeRunState[] | undefined;

  constructor(
    private readonly graph: FlowGraph,
    private readonly runId: string,
    private state: RunState,
    private readonly now: string,
  ) {}

  private decide(event: EngineEvent) {
    this.events.push(event);
    const key = "nodeId" in event ? nodeKey(event.nodeId, pathOf(event)) : undefined;
    const added = key !== undefined && !(key in this.state.nodes);
    this.state = applyRunEvent(this.state, event, this.now);
    this.openList = undefined;
    const status = key === undefined ? undefined : this.state.nodes[key]?.status;
    if (key === undefined || !this.openKeys || status === undefined || !open.has(status)) return;
    if (this.openKeys.includes(key)) return;
    // A new key goes last in the map's order; anything else needs the order rebuilt.
    if (added && !indexLike(key)) this.openKeys.push(key);
    else this.openKeys = undefined;
  }

  /** Open instances (see openKeys), as they are now. */
  private openInstances(): NodeRunState[] {
    if (this.openList) return this.openList;
    const nodes = this.state.nodes;
    this.openKeys ??= Object.keys(nodes).filter((key) => open.has(nodes[key]!.status));
    const result: NodeRunState[] = [];
    for (const key of this.openKeys) if (open.has(nodes[key]!.status)) result.push(nodes[key]!);
    this.openList = result;
    return result;
  }

  private instance(nodeId: string, path: readonly number[]) {
    return this.state.nodes[nodeKey(nodeId, path)];
  }

  private status(nodeId: string, path: readonly number[] = []) {
    return nodeStatus(this.state, nodeId, path);
  }

  /** The top level, and every iteration of a running loop that has not finished yet. */
  private scopes(): Scope[] {
    const scopes: Scope[] = [{ loopId: null, path: [] }];
    for (const n of this.openInstances()) {
      if (!n.loop || n.status !== "running") continue;
      for (let i = 0; i < n.loop.started; i++)
        if (!(i in n.loop.outputs)) scopes.push({ loopId: n.nodeId, path: [...n.path, i] });
    }
    return scopes;
  }

  private members(scope: Scope): FlowNode[] {
    return this.graph.children.get(scope.loopId ?? "") ?? [];
  }

  /** A retry timer fell due: start the next attempt if the node is still waiting for it. */
  retryDue(nodeId: string, path: number[], attempt: number) {
    const current = this.instance(nodeId, path);
    if (this.state.status !== "running" || current?.status !== "retrying" || current.attempt !== attempt) return;
    this.start(this.graph.nodes.get(nodeId)!, path, attempt + 1);
  }

  /**
   * An approval's deadline at `level` passed: escalate to the next level if the node has one,
   * else take its timeout action, unless somebody finished it (or it escalated) meanwhile.
   */
  approvalTimedOut(nodeId: string, path: number[], level: number) {
    const current = this.instance(nodeId, path);
    const node = this.graph.nodes.get(nodeId);
    if (this.state.status !== "running" || current?.status !== "waiting" || !node) return;
    if (escalationLevel(current) !== level) return;
    const timeout = parseNodeData(approvalDataSchema, node.data).data?.timeout;
    const next = timeout?.escalate[level];
    if (next) {
      const timeoutAt = new Date(Date.parse(this.now) + next.afterMs).toISOString();
      const assignees = { users: [], roles: [], groups: next.groups };
      this.decide({
        type: "approval.escalated",
        ...ref(nodeId, path),
        data: { level: level + 1, assignees, timeoutAt },
      });
      this.commands.push(approvalTimer(this.runId, nodeId, path, timeoutAt, level + 1));
      return;
    }
    const action = timeout?.action ?? "reject";
    if (action === "fail") {
      const error = { message: "nobody decided before the deadline", nodeId, retryable: false };
      this.decide({ type: "node.failed", ...ref(nodeId, path), data: { attempt: current.attempt, error } });
      return;
    }
    this.finishApproval(current, action === "approve" ? "approved" : action === "reject" ? "rejected" : "timeout");
  }

  private finishApproval(current: NodeRunState, result: ApprovalResult) {
    this.succeed(current, approvalOutput(current, result, this.now), [result]);
  }

  private succeed(current: NodeRunState, output: unknown, handles: string[]) {
    this.decide({
      type: "node.succeeded",
      ...ref(current.nodeId, current.path),
      data: { attempt: current.attempt, output, handles },
    });
  }

  private fail(current: NodeRunState, message: string) {
    const error = { message, nodeId: current.nodeId, retryable: false };
    this.decide({
      type: "node.failed",
      ...ref(current.nodeId, current.path),
      data: { attempt: current.attempt || 1, error },
    });
  }

  private start(node: FlowNode, path: number[], attempt: number) {
    this.decide({ type: "node.started", ...ref(node.id, path), data: { attempt } });
    if (node.type !== "loop") {
      this.commands.push(executeCommand(this.runId, node.id, path, attempt));
      return;
    }
    const loop = parseNodeData(loopDataSchema, node.data).data;
    // forEach evaluates its list in the runtime (an execute); repeat starts its first pass now.
    if (loop?.mode === "repeat") this.decide({ type: "loop.iteration", ...ref(node.id, path), data: { index: 0 } });
    else this.commands.push(executeCommand(this.runId, node.id, path, attempt));
  }

  private cancel(instances: NodeRunState[], reason: string) {
    const order = (n: NodeRunState) => this.graph.document.nodes.findIndex((d) => d.id === n.nodeId);
    const live = instances.filter((n) => unfinished.has(n.status)).sort((a, b) => order(a) - order(b));
    for (const n of live) this.decide({ type: "node.cancelled", ...ref(n.nodeId, n.path), data: { reason } });
    if (live.length > 0) this.commands.push({ type: "abort", nodeIds: [...new Set(live.map((n) => n.nodeId))] });
  }

  plan(): Advance {
    if (this.state.status === "cancelled" || this.state.status === "failed") {
      const reason = this.state.status === "cancelled" ? "the run was cancelled" : "the run failed";
      this.cancel(Object.values(this.state.nodes), reason);
      return this.result();
    }
    if (this.state.status !== "running" && this.state.status !== "waiting") return this.result();

    this.scheduleRetries();
    for (const current of this.openInstances()) {
      const result = current.status === "waiting" ? decisionsResult(current) : undefined;
      if (result) this.finishApproval(current, result);
    }
    if (this.failIfNodeFailed()) return this.plan();

    // Skips cascade along dead paths, iterations finish, loops move on: repeat to a fixpoint.
    let changed = true;
    while (changed) {
      changed = false;
      for (const scope of this.scopes()) {
        for (const node of this.members(scope)) {
          if (this.status(node.id, scope.path) === "pending" && this.tryStart(node, scope)) changed = true;
        }
        if (scope.loopId !== null && this.finishIteration(scope)) changed = true;
      }
      for (const n of this.openInstances()) {
        if (n.loop && n.status === "running" && this.advanceLoop(n)) changed = true;
      }
      if (this.cancelRemaining()) changed = true;
    }
    if (this.failIfNodeFailed()) return this.plan();

    const topLevel = this.members({ loopId: null, path: [] }).map((n) => this.status(n.id));
    const executing = this.openInstances().some(
      (n) => n.status === "running" && (!n.loop || evaluatingItems(n) || untilPending(n) !== undefined),
    );
    if (!topLevel.some((s) => unfinished.has(s))) {
      this.decide({ type: "run.succeeded", data: { output: this.runOutput() } });
    } else if (this.state.status === "running" && !executing) {
      // Nothing executes; only timers or decisions can move the run on.
      this.decide({ type: "run.waiting", data: {} });
    }
    return this.result();
  }

  private result(): Advance {
    return { state: this.state, events: this.events, commands: this.commands };
  }

  /** A node failed for good and its errors are not handled: the run fails. Returns whether it did. */
  private failIfNodeFailed(): boolean {
    const failed = this.openInstances().find(
      (n) => n.status === "failed" && stepSettings(this.graph.nodes.get(n.nodeId)?.data ?? {}).onError === "fail",
    );
    if (!failed) return false;
    const error = failed.error;
    this.decide({
      type: "run.failed",
      data: {
        error: {
          message: `${failed.nodeId} failed: ${error?.message ?? "unknown error"}`,
          nodeId: failed.nodeId,
          retryable: error?.retryable ?? false,
        },
      },
    });
    return true;
  }

  /** Failed attempts that may pass next time wait for a durable timer. */
  private scheduleRetries() {
    for (const current of this.openInstances()) {
      const node = this.graph.nodes.get(current.nodeId);
      if (current.status !== "failed" || !node || !retriesLeft(node, current)) continue;
      const key = idempotencyKey(this.runId, node.id, current.path, current.attempt);
      const retry = stepSettings(node.data).retry!;
      const retryAt = new Date(Date.parse(this.now) + retryDelayMs(retry, current.attempt, key)).toISOString();
      this.decide({
        type: "node.retrying",
        ...ref(node.id, current.path),
        data: { attempt: current.attempt, error: current.error!, retryAt },
      });
      this.commands.push(retryTimer(this.runId, node.id, current.path, current.attempt, retryAt));
    }
  }

  /** Starts, skips or fails a pending node once its inbound edges allow; returns whether it did. */
  private tryStart(node: FlowNode, scope: Scope): boolean {
    const path = scope.path;
    const inbound = this.graph.inbound.get(node.id) ?? [];
    const isEntry =
      scope.loopId === null ? isNodeType(node.type) && nodeKind(node.type).inputs.length === 0 : inbound.length === 0;
    if (isEntry) {
      this.start(node, path, 1);
      return true;
    }
    // Nothing upstream has begun: every edge is unresolved. Most pending nodes of a long flow.
    if (inbound.length > 0 && !inbound.some((e) => this.instance(e.source, path) !== undefined)) return false;
    const edges: EdgeState[] = inbound.map((e) => edgeState(this.graph, this.state, e, path));
    const active = edges.filter((e) => e === "active").length;
    const resolved = !edges.includes("unresolved");
    const needed = this.activeEdgesNeeded(node);
    if (needed !== undefined && active >= needed) {
      this.start(node, path, 1);
      return true;
    }
    if (!resolved) return false;
    if (active === 0) {
      this.decide({ type: "node.skipped", ...ref(node.id, path), data: {} });
    } else if (needed !== undefined) {
      this.decide({ type: "node.started", ...ref(node.id, path), data: { attempt: 1 } });
      this.fail(this.instance(node.id, path)!, `only ${active} of the ${needed} paths it waits for arrived`);
    } else {
      if (this.heldBySplit(node, path)) return false;
      this.start(node, path, 1);
    }
    return true;
  }

  /**
   * Whether `node` begins a branch of a parallel split that already has `maxConcurrency`
   * branches in progress; it starts once one of them has settled.
   */
  private heldBySplit(node: FlowNode, path: number[]): boolean {
    for (const edge of this.graph.inbound.get(node.id) ?? []) {
      const split = this.graph.nodes.get(edge.source);
      if (split?.type !== "parallel") continue;
      const max = parseNodeData(parallelDataSchema, split.data).data?.maxConcurrency;
      if (max === undefined) continue;
      let inProgress = 0;
      for (const [head, members] of splitBranches(this.graph, split.id)) {
        if (head === node.id || this.status(head, path) === "pending") continue;
        if (members.some((id) => unfinished.has(this.status(id, path)))) inProgress++;
      }
      if (inProgress >= max) return true;
    }
    return false;
  }

  /** For a node that fires early (a join in mode any/count): how many active paths fire it. Otherwise undefined. */
  private activeEdgesNeeded(node: FlowNode): number | undefined {
    const { waitFor } = inboundRule(node.type, node.data);
    return waitFor === "all" ? undefined : waitFor;
  }

  /** When every node of an iteration has settled, record its output (its last nodes' outputs). */
  private finishIteration(scope: Scope): boolean {
    const members = this.members(scope);
    if (!members.every((n) => settled(this.graph, this.instance(n.id, scope.path)))) return false;
    const exits = members.filter((n) => (this.graph.outbound.get(n.id) ?? []).length === 0);
    const outputs = exits
      .map((n) => this.instance(n.id, scope.path)!)
      .filter((n) => n.status === "succeeded" || n.status === "failed")
      .map((n) => [n.nodeId, n.output ?? null] as const);
    const output = outputs.length === 0 ? null : outputs.length === 1 ? outputs[0]![1] : Object.fromEntries(outputs);
    const loopPath = scope.path.slice(0, -1);
    const index = scope.path.at(-1)!;
    this.decide({ type: "loop.iterated", ...ref(scope.loopId!, loopPath), data: { index, output } });
    const loop = this.instance(scope.loopId!, loopPath)!;
    if (loop.loop?.items === undefined)
      this.commands.push({ type: "evaluate-until", nodeId: loop.nodeId, path: loop.path, index });
    return true;
  }

  /** Moves a running loop on: starts iterations up to its concurrency, or finishes it. */
  private advanceLoop(n: NodeRunState): boolean {
    const config = parseNodeData(loopDataSchema, this.graph.nodes.get(n.nodeId)?.data);
    const progress = n.loop!;
    if (!config.success) return false;
    const { maxIterations, concurrency } = config.data;

    if (progress.items !== undefined) {
      const total = progress.items.length;
      const done = Object.keys(progress.outputs).length;
      if (total > maxIterations) {
        this.fail(n, `the list has ${total} items, more than maxIterations (${maxIterations})`);
        return true;
      }
      if (done === total) {
        this.succeed(
          n,
          Array.from({ length: total }, (_, i) => progress.outputs[i] ?? null),
          ["out"],
        );
        return true;
      }
      if (progress.started < total && progress.started - done < concurrency) {
        this.iterate(n, progress.started);
        return true;
      }
      return false;
    }
    // repeat: after each pass, `until` (evaluated by the runtime) decides.
    const last = progress.started - 1;
    if (last < 0 || !(last in progress.outputs) || progress.checked?.index !== last) return false;
    const stop = progress.checked.done ? "until" : progress.started >= maxIterations ? "max" : undefined;
    if (!stop) {
      this.iterate(n, progress.started);
      return true;
    }
    this.succeed(n, { last: progress.outputs[last] ?? null, iterations: progress.started, stoppedBy: stop }, ["out"]);
    return true;
  }

  private iterate(loop: NodeRunState, index: number) {
    this.decide({ type: "loop.iteration", ...ref(loop.nodeId, loop.path), data: { index } });
  }

  /** A join that fired with cancelRemaining stops the paths still heading into it. */
  private cancelRemaining(): boolean {
    if (!cancellingJoins(this.graph)) return false;
    const before = this.events.length;
    for (const n of Object.values(this.state.nodes)) {
      const node = this.graph.nodes.get(n.nodeId);
      if (!node || !["running", "succeeded"].includes(n.status)) continue;
      if (!inboundRule(node.type, node.data).cancelRemaining) continue;
      const remaining = exclusiveAncestors(this.graph, node.id)
        .map((id) => this.instance(id, n.path))
        .filter((i): i is NodeRunState => i !== undefined);
      this.cancel(remaining, `${node.id} already has the paths it waited for`);
    }
    return this.events.length > before;
  }

  /** One end reached: its output. Several: an object keyed by end id. None: null. */
  private runOutput(): unknown {
    const ends = this.graph.document.nodes.filter((n) => n.type === "end" && this.status(n.id) === "succeeded");
    if (ends.length === 0) return null;
    if (ends.length === 1) return this.instance(ends[0]!.id, [])?.output ?? null;
    return Object.fromEntries(ends.map((n) => [n.id, this.instance(n.id, [])?.output ?? null]));
  }
}

/** Whether any node of the flow cancels remaining paths (most have none: no scan then). */
function cancellingJoins(graph: FlowGraph): boolean {
  graph.cancelling ??= graph.document.nodes.some((n) => inboundRule(n.type, n.data).cancelRemaining);
  return graph.cancelling;
}
