import type { FlowNode } from "../../../lib/flow/document";
import { isNodeType, nodeKind } from "../../../lib/flow/kinds";
import { approvalDataSchema } from "../../../lib/flow/kinds/approval";
import { parseNodeData } from "../../../lib/flow/kinds/parsed";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import type { EngineEvent, NodeStatus } from "../../../lib/run/events";
import { applyRunEvent, type NodeRunState, nodeKey, nodeStatus, type RunState } from "../../../lib/run/state";
import { resumeAgents } from "./agent-calls";
import { type ApprovalResult, approvalOutput, decisionsResult } from "./approvals";
import { retryDelayMs } from "./backoff";
import { approvalTimer, type Command, executeCommand, idempotencyKey, ref, retryTimer } from "./commands";
import { compensationSteps, settledHandlerNode } from "./compensation";
import { type EdgeState, edgeState } from "./edges";
import type { Frontier } from "./frontier";
import type { FlowGraph } from "./graph";
import { activeEdgesNeeded, cancelRemaining, heldBySplit } from "./joins";
import {
  advanceLoop,
  evaluatingItems,
  finishIteration,
  members,
  type Scope,
  scopes,
  startLoop,
  untilPending,
} from "./loops";
import { type OpenIndex, openIndex } from "./open-index";
import { previousOutput } from "./prev";
import { retriesLeft } from "./retries";

export { executeCommand } from "./commands";

export interface Advance {
  state: RunState;
  /** Decisions taken by the core, already folded into `state`, to be stored after `event`. */
  events: EngineEvent[];
  /** Effects to carry out once `event` and `events` are stored. */
  commands: Command[];
}

/** The escalation level an approval is at (0: not escalated). */
export const escalationLevel = (n: NodeRunState) => n.approval?.escalations?.length ?? 0;

const unfinished = new Set(["pending", "running", "retrying", "waiting"]);

/** What the planner's parts (loops.ts, joins.ts) see of a planning pass and may decide through it. */
/**
 * A repeat loop's `until` after pass `index` (whose output is `output`), answered now, or
 * undefined when only the runtime can answer it (an evaluate-until command then asks).
 */
export type UntilNow = (
  state: RunState,
  loopId: string,
  path: number[],
  index: number,
  output: unknown,
) => boolean | undefined;

export interface Pass {
  readonly graph: FlowGraph;
  readonly runId: string;
  /** The time of this planning pass. */
  readonly now: string;
  readonly untilNow?: UntilNow;
  readonly state: RunState;
  readonly events: readonly EngineEvent[];
  readonly commands: Command[];
  instance(nodeId: string, path: readonly number[]): NodeRunState | undefined;
  status(nodeId: string, path?: readonly number[]): NodeStatus;
  /** The state's index of node instances (open-index.ts). */
  index(): OpenIndex;
  /** Running, retrying and waiting instances, in the node map's order, as of the last decision. */
  atWork(): NodeRunState[];
  decide(event: EngineEvent): void;
  succeed(current: NodeRunState, output: unknown, handles: string[]): void;
  fail(current: NodeRunState, message: string): void;
  cancel(instances: NodeRunState[], reason: string): void;
}

/**
 * Decides what follows from a run state: which nodes start or are skipped, which iterations
 * finish, which retries and deadlines are armed, when the run ends or waits. Each decision is
 * an event folded into the state at once, so later decisions in the same pass see it.
 */
export class Planner implements Pass {
  readonly events: EngineEvent[] = [];
  readonly commands: Command[] = [];
  /** atWork() until the next decision. */
  private working: NodeRunState[] | undefined;

  constructor(
    readonly graph: FlowGraph,
    readonly runId: string,
    private current: RunState,
    readonly now: string,
    /** The nodes to look at (frontier.ts); without one, every node is looked at. */
    private readonly frontier?: Frontier,
    readonly untilNow?: UntilNow,
  ) {}

  get state(): RunState {
    return this.current;
  }

  decide(event: EngineEvent) {
    this.events.push(event);
    this.current = applyRunEvent(this.current, event, this.now);
    this.working = undefined;
    this.frontier?.touch(event);
  }

  index(): OpenIndex {
    return openIndex(this.current);
  }

  atWork(): NodeRunState[] {
    this.working ??= this.index().atWork();
    return this.working;
  }

  instance(nodeId: string, path: readonly number[]) {
    return this.current.nodes[nodeKey(nodeId, path)];
  }

  status(nodeId: string, path: readonly number[] = []) {
    return nodeStatus(this.current, nodeId, path);
  }

  /**
   * Whether what is under way may finish (a timer's effect, a decision): while the run runs, and
   * while it is paused (only starting new steps waits for the resume).
   */
  private get live(): boolean {
    return this.state.status === "running" || this.state.status === "paused";
  }

  get paused(): boolean {
    return this.state.status === "paused";
  }

  /** The run outlived the flow's maxDurationMs: it fails (undoing what it did, if it can). */
  overdue(maxDurationMs: number) {
    if (!this.live && this.state.status !== "waiting") return;
    if (this.state.compensation) return; // already undoing: let it finish
    const error = {
      message: `the run took longer than the flow allows (maxDurationMs ${maxDurationMs})`,
      retryable: false,
      code: "max_duration",
    };
    const steps = compensationSteps(this.graph, this.state);
    if (steps.length > 0) this.decide({ type: "compensation.started", data: { reason: "failed", steps, error } });
    else this.decide({ type: "run.failed", data: { error } });
  }

  /** A throttled attempt's token is due: it runs (the same attempt), unless the run is paused. */
  throttleDue(nodeId: string, path: number[], attempt: number) {
    const current = this.instance(nodeId, path);
    if (this.state.status !== "running" || current?.status !== "waiting" || current.attempt !== attempt) return;
    if (!current.throttled || current.throttled.passed) return;
    this.decide({ type: "node.resumed", ...ref(nodeId, path), data: { attempt } });
    this.commands.push(executeCommand(this.runId, nodeId, path, attempt));
  }

  /** The run was resumed: retries whose back-off ended, and throttled attempts whose token came, while it was paused start now. */
  retryOverdue() {
    for (const current of this.atWork()) {
      const due =
        current.throttled && !current.throttled.passed && Date.parse(current.throttled.until) <= Date.parse(this.now);
      if (current.status === "waiting" && due) {
        this.decide({ type: "node.resumed", ...ref(current.nodeId, current.path), data: { attempt: current.attempt } });
        this.commands.push(executeCommand(this.runId, current.nodeId, current.path, current.attempt));
        continue;
      }
      if (current.status !== "retrying" || !current.retryAt || Date.parse(current.retryAt) > Date.parse(this.now))
        continue;
      this.start(this.graph.nodes.get(current.nodeId)!, current.path, current.attempt + 1);
    }
  }

  /** A retry timer fell due: start the next attempt if the node is still waiting for it (not while paused: retryOverdue). */
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
    if (!this.live || current?.status !== "waiting" || !node) return;
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

  /** A delay's timer fell due: pass the input on, if the node still waits for that timer. */
  delayDue(nodeId: string, path: number[], attempt: number) {
    const current = this.instance(nodeId, path);
    if (!this.live || current?.status !== "waiting" || current.attempt !== attempt) return;
    this.succeed(current, previousOutput(this.graph, this.state, nodeId, path), ["out"]);
  }

  /** A wait's deadline passed before anyone called its resume URL: follow `timeout`. */
  waitTimedOut(nodeId: string, path: number[], attempt: number) {
    const current = this.instance(nodeId, path);
    if (!this.live || current?.status !== "waiting" || current.attempt !== attempt) return;
    if (current.parked?.ended) return;
    this.succeed(current, { timedOut: true, timeoutAt: current.parked?.timeoutAt ?? this.now }, ["timeout"]);
  }

  /** Parked nodes whose wait has ended (a resume, a child's end) move on. */
  private finishParked() {
    for (const current of this.atWork()) {
      const ended = current.status === "waiting" ? current.parked?.ended : undefined;
      if (!ended) continue;
      if ("output" in ended) this.succeed(current, ended.output, ["out"]);
      else
        this.decide({
          type: "node.failed",
          ...ref(current.nodeId, current.path),
          data: { attempt: current.attempt, error: ended.error },
        });
    }
  }

  private finishApproval(current: NodeRunState, result: ApprovalResult) {
    this.succeed(current, approvalOutput(current, result, this.now), [result]);
  }

  succeed(current: NodeRunState, output: unknown, handles: string[]) {
    this.decide({
      type: "node.succeeded",
      ...ref(current.nodeId, current.path),
      data: { attempt: current.attempt, output, handles },
    });
  }

  fail(current: NodeRunState, message: string) {
    const error = { message, nodeId: current.nodeId, retryable: false };
    this.decide({
      type: "node.failed",
      ...ref(current.nodeId, current.path),
      data: { attempt: current.attempt || 1, error },
    });
  }

  private start(node: FlowNode, path: number[], attempt: number) {
    this.decide({ type: "node.started", ...ref(node.id, path), data: { attempt } });
    if (node.type === "loop" && startLoop(this, node, path) === "iterating") return;
    this.commands.push(executeCommand(this.runId, node.id, path, attempt));
  }

  cancel(instances: NodeRunState[], reason: string) {
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
    if (!this.live && this.state.status !== "waiting") return this.result();

    this.finishParked();
    resumeAgents(this);
    this.scheduleRetries();
    for (const current of this.atWork()) {
      const result = current.status === "waiting" ? decisionsResult(current) : undefined;
      if (result) this.finishApproval(current, result);
    }
    const compensation = this.state.compensation;
    if (compensation && !compensation.finished) return this.paused ? this.result() : this.compensate();
    if (this.failIfNodeFailed()) return this.plan();

    // Skips cascade along dead paths, iterations finish, loops move on: repeat to a fixpoint.
    let changed = true;
    while (changed) {
      changed = false;
      for (const scope of scopes(this)) {
        if (this.lookAt(scope)) changed = true;
        if (scope.loopId !== null && finishIteration(this, scope)) changed = true;
      }
      for (const n of this.atWork()) {
        if (n.loop && n.status === "running" && advanceLoop(this, n)) changed = true;
      }
      if (cancelRemaining(this)) changed = true;
    }
    if (this.failIfNodeFailed()) return this.plan();

    const executing = this.atWork().some(
      (n) => n.status === "running" && (!n.loop || evaluatingItems(n) || untilPending(n) !== undefined),
    );
    if (this.topLevelFinished()) {
      const output = this.runOutput();
      const steps = this.reachedCompensatingEnd() ? compensationSteps(this.graph, this.state) : [];
      if (steps.length > 0) {
        this.decide({ type: "compensation.started", data: { reason: "end", steps, output } });
        return this.plan();
      }
      this.decide({ type: "run.succeeded", data: { output } });
    } else if (this.state.status === "running" && !executing) {
      // Nothing executes; only timers or decisions can move the run on.
      this.decide({ type: "run.waiting", data: {} });
    }
    return this.result();
  }

  /** Starts or skips the pending nodes of `scope` that may move (all, or the frontier's); returns whether any did. */
  private lookAt(scope: Scope): boolean {
    let changed = false;
    const frontier = this.frontier;
    if (!frontier) {
      for (const node of members(this.graph, scope)) if (this.startIfReady(node, scope)) changed = true;
      return changed;
    }
    for (let node = frontier.next(scope, -1); node; node = frontier.next(scope, frontier.position(node.id)))
      if (this.startIfReady(node, scope)) changed = true;
    return changed;
  }

  private startIfReady(node: FlowNode, scope: Scope): boolean {
    // Paused: no new step starts (nor is skipped); the resume's pass takes them up. Handler
    // nodes never run (nor are skipped) forward: compensate() starts them.
    if (this.paused || this.graph.handlerOf.has(node.id)) return false;
    return this.status(node.id, scope.path) === "pending" && this.tryStart(node, scope);
  }

  /** Whether every top-level node has finished. Most passes have one at work, which settles it at once. */
  private topLevelFinished(): boolean {
    if (this.atWork().some((n) => n.path.length === 0)) return false;
    return members(this.graph, { loopId: null, path: [] }).every((n) => !unfinished.has(this.status(n.id)));
  }

  private result(): Advance {
    return { state: this.state, events: this.events, commands: this.commands };
  }

  /** A node failed for good and its errors are not handled: the run fails. Returns whether it did. */
  private failIfNodeFailed(): boolean {
    const failed = this.index()
      .failures()
      .find((n) => stepSettings(this.graph.nodes.get(n.nodeId)?.data ?? {}).onError === "fail");
    if (!failed) return false;
    const error = failed.error;
    const runError = {
      message: `${failed.nodeId} failed: ${error?.message ?? "unknown error"}`,
      nodeId: failed.nodeId,
      retryable: error?.retryable ?? false,
    };
    // Steps that succeeded and can be undone are, before the run fails.
    const steps = compensationSteps(this.graph, this.state);
    if (steps.length > 0)
      this.decide({ type: "compensation.started", data: { reason: "failed", steps, error: runError } });
    else this.decide({ type: "run.failed", data: { error: runError } });
    return true;
  }

  /** Failed attempts that may pass next time wait for a durable timer. */
  private scheduleRetries() {
    for (const current of this.index().failures()) {
      const node = this.graph.nodes.get(current.nodeId);
      if (!node || !retriesLeft(node, current)) {
        // Handled (continue, route): this failure will never change anything again.
        if (stepSettings(node?.data ?? {}).onError !== "fail") this.index().settled(current);
        continue;
      }
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
    const needed = activeEdgesNeeded(node);
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
      if (heldBySplit(this, node, path)) return false;
      this.start(node, path, 1);
    }
    return true;
  }

  /** Whether an end the run reached asks for the steps to be undone (`compensate: true`). */
  private reachedCompensatingEnd(): boolean {
    return this.graph.document.nodes.some(
      (n) =>
        n.type === "end" &&
        n.data.compensate === true &&
        !this.graph.handlerOf.has(n.id) &&
        this.status(n.id) === "succeeded",
    );
  }

  /**
   * The run undoes what it did: forward work still under way is cancelled; each step's handler
   * runs, one at a time, in the order compensation.started named; once all have settled, the
   * run ends as it would have, `compensated`.
   */
  private compensate(): Advance {
    const compensation = this.state.compensation!;
    const forward = this.atWork().filter((n) => !this.graph.handlerOf.has(n.nodeId));
    if (forward.length > 0) this.cancel(forward, "the run is undoing its steps");
    const top = { loopId: null, path: [] as number[] };
    for (const stepId of compensation.steps) {
      const handler = this.graph.handlers.get(stepId);
      if (!handler) continue;
      for (const entry of handler.entries)
        if (this.status(entry) === "pending") this.start(this.graph.nodes.get(entry)!, [], 1);
      // The handler's other nodes follow its edges by the ordinary rule.
      let changed = true;
      while (changed) {
        changed = false;
        for (const id of handler.nodes) {
          if (handler.entries.includes(id) || this.status(id) !== "pending") continue;
          if (this.tryStart(this.graph.nodes.get(id)!, top)) changed = true;
        }
      }
      // A handler node that failed for good ends its handler: what it would have led to is skipped.
      const failed = handler.nodes.some((id) => {
        const n = this.instance(id, []);
        return (
          n?.status === "failed" &&
          !retriesLeft(this.graph.nodes.get(id)!, n) &&
          stepSettings(this.graph.nodes.get(id)!.data).onError === "fail"
        );
      });
      if (failed)
        for (const id of handler.nodes)
          if (this.status(id) === "pending") this.decide({ type: "node.skipped", ...ref(id, []), data: {} });
      if (!handler.nodes.every((id) => settledHandlerNode(this.instance(id, [])))) return this.result();
    }
    this.decide({ type: "compensation.finished", data: {} });
    if (compensation.reason === "end")
      this.decide({ type: "run.succeeded", data: { output: compensation.output ?? null, compensated: true } });
    else if (compensation.reason === "cancelled")
      this.decide({
        type: "run.cancelled",
        data: { reason: compensation.cancelReason ?? "cancelled", compensated: true },
      });
    else
      this.decide({
        type: "run.failed",
        data: { error: compensation.error ?? { message: "the run failed", retryable: false }, compensated: true },
      });
    return this.result();
  }

  /** One end reached: its output. Several: an object keyed by end id. None: null. */
  private runOutput(): unknown {
    const ends = this.graph.document.nodes.filter(
      (n) => n.type === "end" && !this.graph.handlerOf.has(n.id) && this.status(n.id) === "succeeded",
    );
    if (ends.length === 0) return null;
    if (ends.length === 1) return this.instance(ends[0]!.id, [])?.output ?? null;
    return Object.fromEntries(ends.map((n) => [n.id, this.instance(n.id, [])?.output ?? null]));
  }
}
