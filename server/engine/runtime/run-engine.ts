import type { FlowDocument } from "../../../lib/flow/document";
import { effectsOf } from "../../../lib/flow/kinds";
import { stepSettings } from "../../../lib/flow/kinds/step-settings";
import { type Decision, type EngineEvent, type RunEvent, terminalRunStatuses } from "../../../lib/run/events";
import {
  applyRunEvents,
  foldRunEvents,
  initialRunState,
  nodeKey,
  pathOf,
  type RunState,
  undoDraft,
  withOwnedNodesAsync,
} from "../../../lib/run/state";
import { advance, resume, retryFrom } from "../core/advance";
import { type Decider, decisionProblem } from "../core/approvals";
import type { Command } from "../core/commands";
import { compileFlow, type FlowGraph } from "../core/graph";
import { executeCommand } from "../core/planner";
import { AbortReason, type AttemptDeps, runAttempt } from "./attempt";
import { DecisionRefused } from "./errors";
import { evaluateUntil } from "./executors/loop";
import { type DueTimer, type EventBus, type NewRun, type RunStore, SeqConflict, type TimerStore } from "./ports";
import { progressGatherer } from "./progress-gatherer";
import { nodeExpressions } from "./sandbox/node-expressions";
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

/** Past this many events in one batch, further steps are committed and run separately. */
const INLINE_BATCH_LIMIT = 2_000;

interface LiveRun {
  id: string;
  workspaceId: string;
  /** From the run row, read once when the run is loaded. */
  input: unknown;
  startedBy: { id: string; name: string } | null;
  graph: FlowGraph;
  state: RunState;
  /** Events of one run are recorded one at a time, in order. */
  queue: Promise<void>;
  /** Work items queued or running on `queue`. */
  pending: number;
  /** Attempts in flight, by node instance key. */
  attempts: Map<string, { nodeId: string; attempt: number; controller: AbortController }>;
  /** A run begun here whose row is not stored yet: its first commit inserts it. */
  unsaved?: NewRun;
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
  /**
   * Scale-out: other processes append to the same runs. This process then follows the bus (its
   * copies catch up, attempts whose node was cancelled elsewhere are aborted) and keeps a run
   * in memory only while an attempt of it runs here.
   */
  follow?: boolean;
}

/** Scale-out: how often a process looks for timers other processes armed (one of them may have died). */
const FOLLOW_POLL_MS = 2_000;
/** Scale-out: how often attempts shown as running are handed on again (lost hand-overs). */
const REDISPATCH_MS = 30_000;
/** How often an event is recorded again when other processes keep appending first. */
const RECORD_TRIES = 10;

/**
 * The runtime shell around the pure core: records each event with the core's decisions in one
 * append, publishes them, then carries out the commands. Holds nothing the event log cannot
 * rebuild: a run waiting on a timer is dropped from memory and reloaded when it fires, and
 * `recover()` after a crash continues where the log stops.
 */
export class RunEngine {
  private readonly live = new Map<string, LiveRun>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timerLoop: TimerLoop;
  private redispatchTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: RunEngineDeps) {
    this.timerLoop = new TimerLoop(
      deps.timers,
      deps.clock,
      (timer) => this.fire(timer),
      (e) => deps.onError?.(e, "timers"),
      deps.follow ? FOLLOW_POLL_MS : undefined,
    );
    if (deps.follow) deps.bus.subscribe((events) => this.heard(events));
  }

  /**
   * Scale-out worker: runs one attempt handed over by `steps.dispatch`, unless it no longer
   * counts (the node moved on, or another worker's lease ran out and it was handed on).
   */
  async runStep(job: { runId: string; command: Extract<Command, { type: "execute" }> }): Promise<void> {
    const live = await this.load(job.runId);
    try {
      // Caught up, checked and held in the run's queue: an event heard meanwhile (a cancel) is
      // folded in after this, and then finds the attempt to abort.
      const controller = await this.inQueue(live, async () => {
        await this.catchUp(live);
        const current = live.state.nodes[nodeKey(job.command.nodeId, job.command.path)];
        const counts = current?.status === "running" && current.attempt === job.command.attempt;
        return counts ? this.hold(live, job.command) : undefined;
      });
      if (controller) await this.execute(live, job.command, controller);
    } finally {
      this.forgetIfIdle(live);
    }
  }

  /**
   * Creates a run and starts it: the row is written in the transaction that records its first
   * events, so a run costs one commit up to its first step with outside effects. Throws, with
   * nothing stored, when that commit fails. Returns the run id.
   */
  async begin(run: NewRun): Promise<string> {
    const id = this.deps.store.newRunId();
    const live: LiveRun = {
      id,
      workspaceId: run.workspaceId,
      input: run.input,
      startedBy: run.startedBy,
      graph: graphOf(run.definition),
      state: initialRunState(),
      queue: Promise.resolve(),
      pending: 0,
      attempts: new Map(),
      unsaved: run,
    };
    this.live.set(id, live);
    const startedBy = run.startedBy ?? undefined;
    let failure: unknown;
    await this.enqueue(live, async () => {
      try {
        await this.apply(live, {
          type: "run.started",
          data: { input: run.input ?? {}, ...(startedBy && { startedBy }) },
        });
      } catch (error) {
        if (!live.unsaved) throw error; // stored: the run goes on, as with any later commit
        this.live.delete(id);
        failure = error;
      }
    });
    if (failure) throw failure;
    return id;
  }

  /** Starts a run whose row (status `queued`, input, snapshot) the caller has created. */
  async start(runId: string): Promise<void> {
    const live = await this.load(runId);
    const startedBy = live.startedBy ?? undefined;
    await this.record(live, {
      type: "run.started",
      data: { input: live.input ?? {}, ...(startedBy && { startedBy }) },
    });
  }

  /**
   * Starts run `runId` (created by the caller with the same snapshot and input) as a retry
   * of the failed run `previousRunId`: finished steps are reused, failed ones run again.
   */
  async retry(runId: string, previousRunId: string): Promise<void> {
    const live = await this.load(runId);
    const previous = foldRunEvents(await this.deps.store.events(previousRunId));
    const startedBy = live.startedBy ?? undefined;
    await this.enqueue(live, async () => {
      const planned = retryFrom(
        live.graph,
        runId,
        previousRunId,
        previous,
        startedBy,
        this.deps.clock.now().toISOString(),
      );
      await this.commit(live, planned.events, planned.state, planned.commands);
    });
  }

  /** Cancels a run: attempts in flight are aborted, the run ends `cancelled`. */
  async cancel(runId: string, reason = "cancelled by a user"): Promise<void> {
    const live = await this.load(runId);
    if (terminalRunStatuses.includes(live.state.status)) return this.forgetIfIdle(live);
    await this.recordWhile(
      live,
      { type: "run.cancelled", data: { reason } },
      () => !terminalRunStatuses.includes(live.state.status),
    );
  }

  /**
   * Records a person's decision on a waiting approval, or throws DecisionRefused saying why
   * not. Checked and appended inside the run's queue, so two decisions never race.
   */
  async decide(
    runId: string,
    nodeId: string,
    decider: Decider,
    decision: Pick<Decision, "decision" | "comment" | "form"> & { requestId?: string },
    path: number[] = [],
  ) {
    // Another writer appended first (another process): nothing was recorded, and the waiting
    // run's stale copy has left memory (forgetIfIdle), so the decision is checked again
    // against the log as it now is.
    for (let tries = 1; ; tries++) {
      try {
        return await this.decideOnce(runId, nodeId, decider, decision, path);
      } catch (error) {
        if (!(error instanceof SeqConflict) || tries >= RECORD_TRIES) throw error;
      }
    }
  }

  private async decideOnce(
    runId: string,
    nodeId: string,
    decider: Decider,
    decision: Pick<Decision, "decision" | "comment" | "form"> & { requestId?: string },
    path: number[],
  ) {
    const live = await this.load(runId);
    let failure: unknown;
    await this.enqueue(live, async () => {
      const problem = decisionProblem(live.state, nodeId, path, decider, decision);
      if (problem) {
        failure = new DecisionRefused(problem.kind, problem.message);
        return;
      }
      const by = { id: decider.id, name: decider.name };
      const at = this.deps.clock.now().toISOString();
      try {
        const where = { nodeId, iteration: path.at(-1) ?? 0, ...(path.length > 0 && { path }) };
        const { requestId, ...taken } = decision;
        const data = { ...taken, by, at, ...(requestId && { requestId }) };
        await this.apply(live, { type: "approval.decided", ...where, data });
      } catch (error) {
        failure = error; // the caller must learn that nothing was recorded
      }
    });
    if (failure) throw failure;
    return live.state.nodes[nodeKey(nodeId, path)]?.status;
  }

  /** Resumes every run a previous process left unfinished, and fires timers that fell due. Returns how many runs. */
  async recover(): Promise<number> {
    const ids = await this.deps.store.unfinishedRunIds();
    for (const id of ids) {
      const live = await this.load(id);
      if (live.state.lastSeq === 0) {
        await this.start(id);
        continue;
      }
      this.enqueue(live, async () => {
        const planned = resume(live.graph, id, live.state, this.deps.clock.now().toISOString());
        await this.commit(live, planned.events, planned.state, planned.commands);
      });
    }
    await this.timerLoop.start();
    if (this.deps.steps) {
      this.redispatchTimer = setInterval(
        () => void this.redispatch().catch((e) => this.deps.onError?.(e, "redispatch")),
        this.deps.redispatchMs ?? REDISPATCH_MS,
      );
      this.redispatchTimer.unref?.();
    }
    return ids.length;
  }

  /**
   * Scale-out: hands on again every attempt a running run shows as running. One that a worker
   * holds or that waits in the queue is not added twice (its job id); one whose hand-over was
   * lost (a crash right after the commit, Redis down, a failed job) runs now.
   */
  private async redispatch(): Promise<void> {
    const steps = this.deps.steps!;
    for (const id of await this.deps.store.unfinishedRunIds()) {
      if ((await this.deps.store.getRun(id))?.status !== "running") continue;
      const live = await this.load(id);
      try {
        await this.inQueue(live, async () => {
          await this.catchUp(live);
          for (const n of Object.values(live.state.nodes)) {
            if (n.status !== "running" || n.loop || this.isPure(live, n.nodeId)) continue;
            await steps.dispatch({ runId: id, command: executeCommand(id, n.nodeId, n.path, n.attempt) });
          }
        });
      } finally {
        this.forgetIfIdle(live);
      }
    }
  }

  /** Resolves when no run has work in flight (tests, graceful shutdown). Timers may still be armed. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Aborts every attempt in flight (their runs resume at the next boot) and stops firing timers. */
  async stop(): Promise<void> {
    clearInterval(this.redispatchTimer);
    await this.timerLoop.stop();
    for (const live of this.live.values()) {
      for (const { controller } of live.attempts.values()) {
        controller.abort(new AbortReason("shutdown", "server shutting down"));
      }
    }
  }

  private async load(runId: string): Promise<LiveRun> {
    const existing = this.live.get(runId);
    if (existing) return existing;
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    const events = run.lastSeq > 0 ? await this.deps.store.events(runId) : [];
    const state = events.length > 0 ? foldRunEvents(events) : initialRunState();
    const again = this.live.get(runId); // another caller may have loaded it meanwhile
    if (again) return again;
    const live: LiveRun = {
      id: runId,
      workspaceId: run.workspaceId,
      input: run.input,
      startedBy: run.startedBy,
      graph: compileFlow(run.definition),
      state,
      queue: Promise.resolve(),
      pending: 0,
      attempts: new Map(),
    };
    this.live.set(runId, live);
    return live;
  }

  /** Delivers a due timer; false when another process moved the run on first (looked at again later). */
  private async fire(timer: DueTimer): Promise<boolean> {
    const live = await this.load(timer.runId);
    const event = timer.event;
    return this.inQueue(live, async () => {
      // A timer that no longer matters (the run moved on) is marked fired without an event.
      const current = "nodeId" in event ? live.state.nodes[nodeKey(event.nodeId, pathOf(event))] : undefined;
      const stillWaiting =
        event.type === "timer.fired" &&
        (event.data.purpose === "retry"
          ? current?.status === "retrying" && current.attempt === event.data.attempt
          : current?.status === "waiting" && (event.data.level ?? 0) === (current.approval?.escalations?.length ?? 0));
      try {
        if (stillWaiting) await this.apply(live, event);
      } catch (error) {
        if (error instanceof SeqConflict) return false; // another process moved the run on
        throw error;
      }
      await this.deps.timers.markFired(timer.key, this.deps.clock.now());
      return true;
    });
  }

  private record(live: LiveRun, event: EngineEvent): Promise<void> {
    return this.enqueue(live, () => this.apply(live, event));
  }

  /**
   * Folds an event and everything it leads to that needs no outside effect: pure steps
   * (transform, branch, join, loop bookkeeping…) run inline, and the whole batch of events is
   * committed in one transaction. Only steps with outside effects are committed before they
   * run. A crash before the commit loses nothing: recovery recomputes the pure steps.
   */
  private async apply(live: LiveRun, first: EngineEvent): Promise<void> {
    const batch: EngineEvent[] = [];
    const effects: Command[] = [];
    // The node map is changed in place by each step below (undone if the commit fails).
    const state = await withOwnedNodesAsync(live.state, async (draft) => {
      let state = draft;
      const queue = [first];
      while (queue.length > 0) {
        const event = queue.shift()!;
        const next = advance(live.graph, live.id, state, event, this.deps.clock.now().toISOString());
        batch.push(event, ...next.events);
        state = next.state;
        for (const command of next.commands) {
          const inline = batch.length < INLINE_BATCH_LIMIT;
          if (inline && command.type === "execute" && this.isPure(live, command.nodeId)) {
            const outcome = await runAttempt(this.deps, this.attemptOf(live, state, command));
            if (outcome) queue.push(outcome);
          } else if (inline && command.type === "evaluate-until") {
            queue.push(await this.untilOutcome(live, state, command));
          } else {
            effects.push(command);
          }
        }
      }
      return state;
    });
    await this.commit(live, batch, state, effects);
  }

  /** Steps that touch nothing outside the run and have no timeout to honour. */
  private isPure(live: LiveRun, nodeId: string): boolean {
    const node = live.graph.nodes.get(nodeId);
    return node !== undefined && effectsOf(node.type) === "none" && stepSettings(node.data).timeoutMs === undefined;
  }

  private enqueue(live: LiveRun, work: () => Promise<void>): Promise<void> {
    live.pending++;
    const queued = live.queue
      .then(work)
      .catch((error) => this.deps.onError?.(error, live.id))
      .finally(() => {
        live.pending--;
        this.forgetIfIdle(live);
      });
    live.queue = queued;
    this.track(queued);
    return queued;
  }

  private async commit(live: LiveRun, events: EngineEvent[], state: RunState, commands: Command[]): Promise<void> {
    if (events.length > 0) {
      let stored: RunEvent[];
      try {
        const at = this.deps.clock.now();
        stored = await this.deps.store.append(live.id, live.state.lastSeq, events, at, state, live.unsaved);
      } catch (error) {
        undoDraft(state); // nothing was stored: the batch's changes to the node map are undone
        // Another process appended first: nothing was recorded; this copy catches up so the
        // caller can decide again on the log as it now is.
        if (error instanceof SeqConflict) await this.catchUp(live);
        throw error;
      }
      live.unsaved = undefined;
      live.state = state;
      this.deps.bus.publish(stored, live.workspaceId);
    }
    for (const command of commands) await this.carryOut(live, command);
  }

  /**
   * A finished run, or one waiting with nothing in flight, leaves memory (the log rebuilds it),
   * but only once no more work is queued on it: a caller arriving meanwhile would load a second
   * copy from the log, without the queued work's events, and the two would race for the next seq.
   */
  private forgetIfIdle(live: LiveRun): void {
    if (live.pending > 0 || this.live.get(live.id) !== live) return;
    const done = terminalRunStatuses.includes(live.state.status);
    const idle = live.attempts.size === 0 && (live.state.status === "waiting" || this.deps.follow);
    if (done || idle) this.live.delete(live.id);
  }

  private async carryOut(live: LiveRun, command: Command): Promise<void> {
    switch (command.type) {
      case "execute":
        if (this.deps.steps && !this.isPure(live, command.nodeId)) {
          // A hand-over that fails (Redis down) is repaired by the periodic re-dispatch.
          await this.deps.steps.dispatch({ runId: live.id, command }).catch((e) => this.deps.onError?.(e, live.id));
        } else this.track(this.execute(live, command).catch((e) => this.deps.onError?.(e, live.id)));
        return;
      case "schedule":
        await this.timerLoop.schedule({
          key: command.key,
          runId: live.id,
          dueAt: new Date(command.dueAt),
          event: command.event,
        });
        return;
      case "evaluate-until":
        this.track(this.checkUntil(live, command));
        return;
      case "abort":
        for (const { nodeId, controller } of live.attempts.values()) {
          if (command.nodeIds.includes(nodeId)) controller.abort(new AbortReason("cancelled", "cancelled"));
        }
        return;
    }
  }

  /** A repeat loop finished a pass: evaluate `until` and feed the answer back. */
  private async checkUntil(live: LiveRun, command: Extract<Command, { type: "evaluate-until" }>): Promise<void> {
    const outcome = await this.untilOutcome(live, live.state, command);
    const loop = () => live.state.nodes[nodeKey(command.nodeId, command.path)];
    await this.recordWhile(
      live,
      outcome,
      () => loop()?.status === "running" && loop()?.loop?.checked?.index !== command.index,
    );
  }

  private async untilOutcome(
    live: LiveRun,
    state: RunState,
    command: Extract<Command, { type: "evaluate-until" }>,
  ): Promise<EngineEvent> {
    const where = {
      nodeId: command.nodeId,
      iteration: command.path.at(-1) ?? 0,
      ...(command.path.length > 0 && { path: command.path }),
    };
    try {
      const expressions = nodeExpressions(command.nodeId, this.deps.expressions);
      const done = await evaluateUntil(
        live.graph,
        state,
        live.id,
        command.nodeId,
        command.path,
        command.index,
        expressions,
      );
      return { type: "loop.until", ...where, data: { index: command.index, done } };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const attempt = state.nodes[nodeKey(command.nodeId, command.path)]?.attempt ?? 1;
      return {
        type: "node.failed",
        ...where,
        data: { attempt, error: { message, nodeId: command.nodeId, retryable: false } },
      };
    }
  }

  /**
   * Records what an attempt produced, fenced: only while its node still runs that attempt (a
   * late worker whose lease was handed on, or an attempt cancelled elsewhere, changes nothing).
   */
  private recordOutcome(live: LiveRun, command: Extract<Command, { type: "execute" }>, outcome: EngineEvent) {
    return this.recordWhile(live, outcome, () => {
      const current = live.state.nodes[nodeKey(command.nodeId, command.path)];
      return current?.status === "running" && current.attempt === command.attempt;
    });
  }

  /**
   * Records `event` while `stillCounts()` holds on the run as this process knows it; when
   * another process appended first, this copy has caught up and the question is asked again.
   */
  private async recordWhile(live: LiveRun, event: EngineEvent, stillCounts: () => boolean) {
    for (let tries = 1; ; tries++) {
      const recorded = await this.inQueue(live, async () => {
        if (!stillCounts()) return true;
        try {
          await this.apply(live, event);
          return true;
        } catch (error) {
          if (!(error instanceof SeqConflict) || tries >= RECORD_TRIES) throw error;
          return false;
        }
      });
      if (recorded) return;
    }
  }

  /** Runs `work` in the run's queue and hands its result or error to the caller (enqueue reports errors instead). */
  private async inQueue<T>(live: LiveRun, work: () => Promise<T>): Promise<T> {
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    await this.enqueue(live, async () => {
      try {
        outcome = { ok: true, value: await work() };
      } catch (error) {
        outcome = { ok: false, error };
      }
    });
    if (!outcome?.ok) throw outcome?.error;
    return outcome.value;
  }

  /** Folds into this copy what other processes appended since (events heard, else read from the log). */
  private async catchUp(live: LiveRun, heard: readonly RunEvent[] = []): Promise<void> {
    const follows = (events: readonly RunEvent[]) => {
      const next = events.filter((e) => e.seq > live.state.lastSeq);
      return next.length > 0 && next.every((e, i) => e.seq === live.state.lastSeq + 1 + i) ? next : undefined;
    };
    let next = follows(heard);
    const known = heard.length > 0 && heard.every((e) => e.seq <= live.state.lastSeq);
    if (!next && !known) next = follows(await this.deps.store.events(live.id, live.state.lastSeq));
    // Only what directly follows this copy is folded in: a catch-up that raced another applies nothing twice.
    if (next) live.state = applyRunEvents(live.state, next);
  }

  /** Events committed by any process (scale-out): copies held here catch up, superseded attempts stop. */
  private heard(events: readonly RunEvent[]): void {
    const byRun = new Map<string, RunEvent[]>();
    for (const e of events) {
      const batch = byRun.get(e.runId);
      if (batch) batch.push(e);
      else byRun.set(e.runId, [e]);
    }
    for (const [runId, batch] of byRun) {
      const live = this.live.get(runId);
      if (!live || batch.every((e) => e.seq <= live.state.lastSeq)) continue; // ours, or not held here
      void this.enqueue(live, async () => {
        await this.catchUp(live, batch);
        for (const [instance, held] of live.attempts) {
          const node = live.state.nodes[instance];
          if (node?.status !== "running" || node.attempt !== held.attempt)
            held.controller.abort(new AbortReason("cancelled", "cancelled"));
        }
      });
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    work.finally(() => this.inFlight.delete(work));
  }

  private attemptOf(live: LiveRun, state: RunState, command: Extract<Command, { type: "execute" }>) {
    return { runId: live.id, workspaceId: live.workspaceId, graph: live.graph, state, command };
  }

  /** Registers an attempt in flight here, so a cancel (heard or decided here) can abort it. */
  private hold(live: LiveRun, command: Extract<Command, { type: "execute" }>): AbortController {
    const controller = new AbortController();
    live.attempts.set(nodeKey(command.nodeId, command.path), {
      nodeId: command.nodeId,
      attempt: command.attempt,
      controller,
    });
    return controller;
  }

  private async execute(
    live: LiveRun,
    command: Extract<Command, { type: "execute" }>,
    controller = this.hold(live, command),
  ): Promise<void> {
    const node = live.graph.nodes.get(command.nodeId);
    const instance = nodeKey(command.nodeId, command.path);
    if (!node) {
      live.attempts.delete(instance);
      return;
    }
    const { timeoutMs } = stepSettings(node.data);
    const timeout =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => controller.abort(new AbortReason("timeout", `timed out after ${timeoutMs} ms`)), timeoutMs);
    // Text that arrives after the attempt ended (cancelled, timed out) is dropped.
    const progress = progressGatherer(command, (event) => {
      void this.recordWhile(live, event, () => {
        const current = live.state.nodes[instance];
        return current?.status === "running" && current.attempt === command.attempt;
      });
    });
    try {
      const outcome = await runAttempt(
        this.deps,
        this.attemptOf(live, live.state, command),
        controller.signal,
        progress,
      );
      progress.flush(); // queued before the outcome, so the text is whole when the node finishes
      if (outcome) await this.recordOutcome(live, command, outcome);
    } finally {
      progress.flush();
      clearTimeout(timeout);
      if (live.attempts.get(instance)?.controller === controller) live.attempts.delete(instance);
    }
  }
}
