import type { FlowDocument } from "../../../lib/flow/document";
import { awaitsDecision } from "../../../lib/run/agent-progress";
import { type Decision, type EngineEvent, terminalRunStatuses } from "../../../lib/run/events";
import { nodeRef } from "../../../lib/run/node-ref";
import { foldRunEvents, initialRunState, nodeKey, pathOf, type RunState } from "../../../lib/run/state";
import { resume, retryFrom } from "../core/advance";
import { type Decider, decisionProblem } from "../core/approvals";
import { type Command, callIdOfKey, instanceOfKey } from "../core/commands";
import { compensationSteps } from "../core/compensation";
import { compileFlow, type FlowGraph } from "../core/graph";
import type { AttemptDeps } from "./attempt";
import { type CommitRetry, defaultCommitRetry, pause } from "./commit-retry";
import { DecisionRefused, EngineStopping, RunNotFound, RunStateConflict } from "./errors";
import { FOLLOW_POLL_MS, heard, REDISPATCH_MS, redispatch, runStep } from "./follow";
import {
  type DueTimer,
  type EventBus,
  type NewRun,
  type RunParent,
  type RunStore,
  SeqConflict,
  type TimerStore,
} from "./ports";
import { RunActor, type Runtime } from "./run-actor";
import type { StepQueue } from "./step-queue";
import { TimerLoop } from "./timer-loop";

/** Compiled graphs by snapshot: runs begun from one saved version share its document (start.ts). */
const graphs = new WeakMap<object, FlowGraph>();
function graphOf(definition: FlowDocument): FlowGraph {
  let graph = graphs.get(definition);
  if (!graph) {
    graph = compileFlow(definition);
    graphs.set(definition, graph);
  }
  return graph;
}

export interface RunEngineDeps extends AttemptDeps {
  store: RunStore;
  timers: TimerStore;
  bus: EventBus;
  onError?: (error: unknown, runId: string) => void;
  /**
   * Scale-out: attempts with outside effects are handed to worker processes through this queue
   * instead of running here (workers call `runStep`).
   */
  steps?: Pick<StepQueue, "dispatch">;
  /** How often `recover()`'s process hands running attempts on again (default 30 s). */
  redispatchMs?: number;
  /** How a failed commit is tried again before it counts as failed (commit-retry.ts). */
  commitRetry?: CommitRetry;
  /**
   * Scale-out: other processes append to the same runs. This process then follows the bus (its
   * copies catch up, attempts whose node was cancelled elsewhere are aborted) and keeps a run
   * in memory only while an attempt of it runs here.
   */
  follow?: boolean;
  /** A run ended here (its last event was committed by this process): e.g. its flow's on-failure run starts. */
  onRunEnded?: (run: EndedRun) => Promise<void>;
}

/** A run that just ended, as onRunEnded hears of it. */
export interface EndedRun {
  id: string;
  workspaceId: string;
  definition: FlowDocument;
  state: RunState;
  parent: RunParent | null;
}

/** The event that starts a run, with the input and starter from its row. */
const runStarted = (actor: RunActor): EngineEvent => {
  const startedBy = actor.startedBy ?? undefined;
  return {
    type: "run.started",
    data: { input: actor.input ?? {}, ...(startedBy && { startedBy }), flowVersion: actor.flowVersion },
  };
};

/**
 * The runtime shell around the pure core. Each live run is a RunActor (run-actor.ts) that
 * records its events one at a time: each event is folded with the core's decisions and
 * committed in one append (batch.ts), published, and then its commands are carried out
 * (carry-out.ts). In scale-out, processes follow each other's events (follow.ts). Holds
 * nothing the event log cannot rebuild: a run waiting on a timer is dropped from memory and
 * reloaded when it fires, and `recover()` after a crash continues where the log stops.
 */
export class RunEngine {
  /** The live actors, by run id. */
  private readonly live = new Map<string, RunActor>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly timerLoop: TimerLoop;
  private readonly runtime: Runtime;
  private redispatchTimer: ReturnType<typeof setInterval> | undefined;
  /** Aborted by stop(): pauses between commit tries end, and no further try is made. */
  private lifetime = new AbortController();
  /** Set by stop(): no new run or attempt starts here (recover() starts the engine again). */
  private stopping = false;

  constructor(private readonly deps: RunEngineDeps) {
    this.timerLoop = new TimerLoop(
      deps.timers,
      deps.clock,
      (timer) => this.fire(timer),
      (e) => deps.onError?.(e, "timers"),
      deps.follow ? FOLLOW_POLL_MS : undefined,
    );
    const engine = this;
    this.runtime = {
      deps,
      commitRetry: deps.commitRetry ?? defaultCommitRetry,
      timerLoop: this.timerLoop,
      get lifetime() {
        return engine.lifetime.signal;
      },
      get stopping() {
        return engine.stopping;
      },
      track: (work) => this.track(work),
      load: (runId) => this.load(runId),
      held: (runId) => this.live.get(runId),
      forgetIfIdle: (actor) => this.forgetIfIdle(actor),
      childEnded: (child) => this.childEnded(child),
      runEnded: (actor) =>
        deps.onRunEnded?.({
          id: actor.id,
          workspaceId: actor.workspaceId,
          definition: actor.graph.document,
          state: actor.state,
          parent: actor.parent,
        }) ?? Promise.resolve(),
      cancel: (runId, reason) => this.cancel(runId, reason),
    };
    if (deps.follow) deps.bus.subscribe((events) => heard(this.runtime, events));
  }

  /**
   * Scale-out worker: runs one attempt handed over by `steps.dispatch`, unless it no longer
   * counts (the node moved on, or another worker's lease ran out and it was handed on).
   */
  runStep(job: { runId: string; command: Extract<Command, { type: "execute" }> }): Promise<void> {
    return runStep(this.runtime, job);
  }

  /**
   * Creates a run and starts it: the row is written in the transaction that records its first
   * events, so a run costs one commit up to its first step with outside effects. Throws, with
   * nothing stored, when that commit fails. Returns the run id.
   */
  async begin(run: NewRun): Promise<string> {
    if (this.stopping) throw new EngineStopping();
    const id = this.deps.store.newRunId();
    const actor = new RunActor(this.runtime, {
      id,
      workspaceId: run.workspaceId,
      input: run.input,
      startedBy: run.startedBy,
      flowVersion: run.flowVersion,
      parent: run.parent ?? null,
      graph: graphOf(run.definition),
      state: initialRunState(),
      unsaved: run,
    });
    this.live.set(id, actor);
    try {
      await actor.record(runStarted(actor));
    } catch (error) {
      if (!actor.unsaved) {
        actor.report(error); // stored: the run goes on, as with any later commit
        return id;
      }
      if (this.live.get(id) === actor) this.live.delete(id);
      throw error;
    }
    return id;
  }

  /** Starts a run whose row (status `queued`, input, snapshot) the caller has created. */
  async start(runId: string): Promise<void> {
    if (this.stopping) throw new EngineStopping();
    const actor = await this.load(runId);
    await actor.record(runStarted(actor), { orFailRun: true }).catch(actor.report);
  }

  /**
   * Starts run `runId` (created by the caller with the same snapshot and input) as a retry
   * of the failed run `previousRunId`: finished steps are reused, failed ones run again.
   */
  async retry(
    runId: string,
    previousRunId: string,
    options: { fromNodeId?: string; newInput?: boolean } = {},
  ): Promise<void> {
    if (this.stopping) throw new EngineStopping();
    const actor = await this.load(runId);
    const previous = foldRunEvents(await this.deps.store.events(previousRunId));
    const startedBy = actor.startedBy ?? undefined;
    const now = () => this.deps.clock.now().toISOString();
    await actor
      .record(
        () =>
          retryFrom(actor.graph, runId, previousRunId, previous, startedBy, now(), {
            flowVersion: actor.flowVersion,
            fromNodeId: options.fromNodeId,
            ...(options.newInput && { input: actor.input ?? {} }),
          }),
        {
          orFailRun: true,
        },
      )
      .catch(actor.report);
  }

  /** Cancels a run: attempts in flight are aborted, the run ends `cancelled`. */
  async cancel(runId: string, reason = "cancelled by a user", options: { compensate?: boolean } = {}): Promise<void> {
    const actor = await this.load(runId);
    if (actor.finished) return this.forgetIfIdle(actor);
    // With compensate, the steps that succeeded are undone first; the run then ends cancelled.
    const undo = options.compensate && !actor.state.compensation ? compensationSteps(actor.graph, actor.state) : [];
    const event: EngineEvent =
      undo.length > 0
        ? { type: "compensation.started", data: { reason: "cancelled", steps: undo, cancelReason: reason } }
        : { type: "run.cancelled", data: { reason } };
    await actor.record(event, { stillCounts: () => !actor.finished });
  }

  /**
   * Pauses a running (or waiting) run: no new step starts; attempts in flight finish and are
   * recorded. Throws RunStateConflict naming the status when the run is not running.
   */
  async pause(runId: string, by?: { id: string; name: string }): Promise<void> {
    const actor = await this.load(runId);
    await actor.record(
      { type: "run.paused", data: { ...(by && { by }) } },
      {
        stillCounts: () => {
          const status = actor.state.status;
          if (status === "running" || status === "waiting" || status === "queued") return true;
          throw new RunStateConflict(
            status === "paused"
              ? "The run is paused already."
              : `The run is ${status}: only a running run can be paused.`,
          );
        },
      },
    );
  }

  /** Resumes a paused run: what became ready meanwhile starts. Throws RunStateConflict when it is not paused. */
  async resume(runId: string, by?: { id: string; name: string }): Promise<void> {
    const actor = await this.load(runId);
    await actor.record(
      { type: "run.resumed", data: { ...(by && { by }) } },
      {
        stillCounts: () => {
          if (actor.state.status === "paused") return true;
          throw new RunStateConflict(`The run is ${actor.state.status}, not paused: there is nothing to resume.`);
        },
      },
    );
  }

  /**
   * Records a person's decision on a waiting approval, or throws DecisionRefused saying why
   * not. Checked in the run's queue, so two decisions never race, and checked again when
   * another writer (another process) appended first: then nothing was recorded, and the
   * decision is checked against the log as it now is.
   */
  async decide(
    runId: string,
    nodeId: string,
    decider: Decider,
    decision: Pick<Decision, "decision" | "comment" | "form"> & { requestId?: string; callId?: string; args?: unknown },
    path: number[] = [],
  ) {
    const actor = await this.load(runId);
    const by = { id: decider.id, name: decider.name };
    const at = this.deps.clock.now().toISOString();
    const where = nodeRef(nodeId, path);
    const { requestId, callId, args, ...taken } = decision;
    const data = {
      ...taken,
      by,
      at,
      ...(requestId && { requestId }),
      ...(callId !== undefined && { callId }),
      ...(args !== undefined && callId !== undefined && taken.decision === "approve" && { args }),
    };
    const acceptable = () => {
      const problem = decisionProblem(actor.state, nodeId, path, decider, decision);
      if (problem) throw new DecisionRefused(problem.kind, problem.message);
      return true;
    };
    await actor.record({ type: "approval.decided", ...where, data }, { stillCounts: acceptable });
    return actor.state.nodes[nodeKey(nodeId, path)]?.status;
  }

  /**
   * Resumes a wait node instance with `body` (its resume URL was called). False when it does
   * not wait (any more): it never did, it was resumed already, or the run moved on. Checked in
   * the run's queue, so of two calls at once one wins.
   */
  async resumeWait(runId: string, nodeId: string, path: number[], body: unknown): Promise<boolean> {
    let actor: RunActor;
    try {
      actor = await this.load(runId);
    } catch (error) {
      if (error instanceof RunNotFound) return false; // deleted with its flow
      throw error;
    }
    let taken = false;
    await actor.record(
      { type: "wait.resumed", ...nodeRef(nodeId, path), data: { body } },
      { stillCounts: () => (taken = takesResume(actor.graph, actor.state, nodeId, path)) },
    );
    return taken;
  }

  /**
   * A sub-flow's child run ended: its parent's node moves on. Fenced on the calling attempt, so
   * a child of an attempt that no longer counts changes nothing.
   */
  private async childEnded(child: RunActor): Promise<void> {
    const parent = child.parent;
    if (!parent) return;
    const actor = await this.load(parent.runId);
    const called = instanceOfKey(actor.graph, parent.key);
    if (!called) return;
    const { nodeId, path, attempt } = called;
    // An agent's tool call made it (its key names the call), or a sub-flow node's attempt.
    const callId = callIdOfKey(parent.key);
    const { status, output, error } = child.state;
    const ended = status === "succeeded" ? { output } : { ...(error && { error }) };
    await actor.record(
      {
        type: "subflow.finished",
        ...nodeRef(nodeId, path),
        data: {
          attempt,
          runId: child.id,
          status: status as "succeeded" | "failed" | "cancelled",
          ...ended,
          ...(callId !== undefined && { callId }),
        },
      },
      {
        stillCounts: () => {
          const now = actor.state.nodes[nodeKey(nodeId, path)];
          if ((now?.status !== "running" && now?.status !== "waiting") || now.attempt !== attempt) return false;
          if (callId === undefined) return !now.parked?.ended;
          const call = now.agent?.calls[callId];
          return call !== undefined && !call.ended && !call.returned;
        },
      },
    );
  }

  /** Resumes every run a previous process left unfinished, and fires timers that fell due. Returns how many runs. */
  async recover(): Promise<number> {
    if (this.lifetime.signal.aborted) this.lifetime = new AbortController();
    this.stopping = false;
    const ids = await this.deps.store.unfinishedRunIds();
    for (const id of ids) {
      const actor = await this.load(id);
      if (actor.state.lastSeq === 0) {
        await this.start(id);
        continue;
      }
      const now = () => this.deps.clock.now().toISOString();
      void actor.record(() => resume(actor.graph, id, actor.state, now()), { orFailRun: true }).catch(actor.report);
      void this.deliverEndedChildren(actor).catch(actor.report);
    }
    await this.timerLoop.start();
    if (this.deps.steps) {
      this.redispatchTimer = setInterval(
        () => void redispatch(this.runtime).catch((e) => this.deps.onError?.(e, "redispatch")),
        this.deps.redispatchMs ?? REDISPATCH_MS,
      );
      this.redispatchTimer.unref?.();
    }
    return ids.length;
  }

  /**
   * The children a run's sub-flow nodes wait for that ended while nobody could tell the
   * parent (the process died between the child's last commit and the parent's).
   */
  private async deliverEndedChildren(parent: RunActor): Promise<void> {
    for (const node of Object.values(parent.state.nodes)) {
      const childId = node.status === "waiting" && !node.parked?.ended ? node.parked?.runId : undefined;
      const toolChildren = Object.values(node.agent?.calls ?? {}).flatMap((c) =>
        c.runId && !c.ended && !c.returned ? [c.runId] : [],
      );
      for (const id of [...(childId ? [childId] : []), ...toolChildren]) {
        const child = await this.load(id);
        if (child.finished) await this.childEnded(child);
        this.forgetIfIdle(child);
      }
    }
  }

  /** Resolves when no run has work in flight (tests, graceful shutdown). Timers may still be armed. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Stops taking work: new runs are refused (EngineStopping), no further attempt starts here
   * and timers stop firing. Attempts in flight get `graceMs` to finish, and their outcomes are
   * recorded; those still running then are aborted. What was not done resumes at the next boot.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    clearInterval(this.redispatchTimer);
    const timersStopped = this.timerLoop.stop();
    const drained = new AbortController();
    await Promise.race([this.idle().then(() => drained.abort()), pause(graceMs, drained.signal)]);
    drained.abort();
    this.lifetime.abort();
    for (const actor of this.live.values()) actor.abort("shutdown", "server shutting down");
    await timersStopped;
  }

  /** The live actor of a run, loaded from its events when it is not in memory. */
  private async load(runId: string): Promise<RunActor> {
    const existing = this.live.get(runId);
    if (existing) return existing;
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new RunNotFound(runId);
    const events = run.lastSeq > 0 ? await this.deps.store.events(runId) : [];
    const state = events.length > 0 ? foldRunEvents(events) : initialRunState();
    const again = this.live.get(runId); // another caller may have loaded it meanwhile
    if (again) return again;
    const actor = new RunActor(this.runtime, {
      id: runId,
      workspaceId: run.workspaceId,
      input: run.input,
      startedBy: run.startedBy,
      flowVersion: run.flowVersion,
      parent: run.parent,
      graph: compileFlow(run.definition),
      state,
    });
    this.live.set(runId, actor);
    return actor;
  }

  /**
   * A finished run, or one waiting with nothing in flight, leaves memory (the log rebuilds it),
   * but only once no more work is queued on it (RunActor.mayLeave).
   */
  private forgetIfIdle(actor: RunActor): void {
    if (this.live.get(actor.id) === actor && actor.mayLeave(this.deps.follow ?? false)) this.live.delete(actor.id);
  }

  /** Delivers a due timer; false when another process moved the run on first (looked at again later). */
  private async fire(timer: DueTimer): Promise<boolean> {
    const actor = await this.load(timer.runId);
    try {
      // A timer that no longer matters (the run moved on) is marked fired without an event.
      await actor.record(timer.event, { stillCounts: () => stillWaitsFor(actor.state, timer.event), orFailRun: true });
    } catch (error) {
      if (error instanceof SeqConflict) return false; // another process kept moving the run on
      throw error;
    }
    await this.deps.timers.markFired(timer.key, this.deps.clock.now());
    return true;
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    work.finally(() => this.inFlight.delete(work));
  }
}

/** Whether the run still waits for the timer that delivers `event` (a retry, an approval's timeout). */
function stillWaitsFor(state: RunState, event: EngineEvent): boolean {
  if (event.type === "run.overdue") return !terminalRunStatuses.includes(state.status);
  const current = "nodeId" in event ? state.nodes[nodeKey(event.nodeId, pathOf(event))] : undefined;
  if (event.type !== "timer.fired" || !current) return false;
  const { purpose, attempt } = event.data;
  if (purpose === "retry") return current.status === "retrying" && current.attempt === attempt;
  // A tool call's approval may time out while its agent still runs the turn's other calls.
  if (current.status !== "waiting" && !(event.data.callId !== undefined && current.status === "running")) return false;
  if (purpose === "approval-timeout" && event.data.callId !== undefined) {
    const call = current.agent?.calls[event.data.callId];
    const level = event.data.level ?? 0;
    return (
      current.attempt === attempt &&
      call !== undefined &&
      awaitsDecision(call) &&
      level === (call.approval?.escalations?.length ?? 0)
    );
  }
  if (purpose === "approval-timeout") return (event.data.level ?? 0) === (current.approval?.escalations?.length ?? 0);
  if (purpose === "throttle")
    return current.attempt === attempt && current.throttled !== undefined && !current.throttled.passed;
  return current.attempt === attempt && !current.parked?.ended; // a delay, a wait's deadline
}

/** Whether a wait node instance still takes a resume: parked (or parking) with nothing arrived yet. */
function takesResume(graph: FlowGraph, state: RunState, nodeId: string, path: number[]): boolean {
  const current = state.nodes[nodeKey(nodeId, path)];
  if (graph.nodes.get(nodeId)?.type !== "wait" || !current || current.parked?.ended) return false;
  return (current.status === "waiting" || current.status === "running") && state.status !== "cancelled";
}
