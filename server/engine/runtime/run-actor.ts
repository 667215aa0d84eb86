import { type EngineEvent, terminalRunStatuses } from "../../../lib/run/events";
import { nodeKey, type RunState } from "../../../lib/run/state";
import type { Advance } from "../core/advance";
import type { Command } from "../core/commands";
import type { FlowGraph } from "../core/graph";
import { AbortReason, type AttemptOf } from "./attempt";
import { applyBatch, commit } from "./batch";
import { CommitFailed, type CommitRetry, pause, runFailedUnstored } from "./commit-retry";
import { type NewRun, type RunParent, SeqConflict } from "./ports";
import type { RunEngineDeps } from "./run-engine";
import type { TimerLoop } from "./timer-loop";

export type ExecuteCommand = Extract<Command, { type: "execute" }>;

/** How often an event is recorded again when other processes keep appending first. */
const RECORD_TRIES = 10;

/** What the parts of a run's life (this file, batch.ts, carry-out.ts, follow.ts) need from the engine holding it. */
export interface Runtime {
  readonly deps: RunEngineDeps;
  /** How a failed commit is tried again (deps.commitRetry or the default). */
  readonly commitRetry: CommitRetry;
  readonly timerLoop: TimerLoop;
  /** Aborted by stop(): pauses between commit tries end, and no further try is made. */
  readonly lifetime: AbortSignal;
  /** Set by stop(): no new attempt starts here. */
  readonly stopping: boolean;
  /** Counts `work`, which never rejects, as in flight until it settles (idle(), stop()). */
  track(work: Promise<unknown>): void;
  /** The live actor of a run, loaded from its events when it is not held here. */
  load(runId: string): Promise<RunActor>;
  /** The live actor of a run if one is held here. */
  held(runId: string): RunActor | undefined;
  /** Lets `actor` leave memory if nothing keeps it there (the log rebuilds it). */
  forgetIfIdle(actor: RunActor): void;
  /** A sub-flow's run ended: tell the node that called it. */
  childEnded(child: RunActor): Promise<void>;
  /** This run just ended (committed here). */
  runEnded(actor: RunActor): Promise<void>;
  /** Cancels another run (a cancelled sub-flow node's child). */
  cancel(runId: string, reason: string): Promise<void>;
}

/** What `record` stores: an event (folded with all it leads to, batch.ts), or decisions the core took already. */
export type Recordable = EngineEvent | (() => Advance);

export interface RecordOptions {
  /**
   * Asked in the queue before each try, on the run as this process knows it: when false,
   * nothing is recorded. It may throw to refuse; the caller gets the error. Only a record with
   * this check is tried again after another process appended first (the check says whether the
   * event still counts on the log as it now is).
   */
  stillCounts?: () => boolean;
  /**
   * When the event cannot be stored, the run's failure is recorded instead. For events nothing
   * else would move the run on from (an outcome, a start, a timer): a run never stays running
   * with nothing in flight. Callers that are told (a decision, a cancel, a new run) leave it off
   * and get the CommitFailed.
   */
  orFailRun?: boolean;
}

/** An attempt in flight on this process, by node instance key. */
interface Held {
  command: ExecuteCommand;
  controller: AbortController;
}

const ignore = () => {};
const everything = () => true;

/**
 * One live run on this process: its state as of the last event this process knows, the queue
 * its events are recorded on one at a time and in order, and the attempts it runs here. Holds
 * nothing the event log cannot rebuild.
 */
export class RunActor {
  readonly id: string;
  readonly workspaceId: string;
  /** From the run row, read once when the run is loaded. */
  readonly input: unknown;
  readonly startedBy: { id: string; name: string } | null;
  /** The published version it runs; null for the draft. */
  readonly flowVersion: number | null;
  /** A sub-flow's run: the node instance that called it. */
  readonly parent: RunParent | null;
  readonly graph: FlowGraph;
  /** The fold of the events this process knows; moved on only in the queue, by a commit (batch.ts) or a catch-up (follow.ts). */
  state: RunState;
  /** A run begun here whose row is not stored yet: its first commit inserts it. */
  unsaved: NewRun | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Work items queued or running on `queue`. */
  private pending = 0;
  private readonly attempts = new Map<string, Held>();

  constructor(
    readonly runtime: Runtime,
    run: Pick<RunActor, "id" | "workspaceId" | "input" | "startedBy" | "flowVersion" | "parent" | "graph" | "state"> & {
      unsaved?: NewRun;
    },
  ) {
    this.id = run.id;
    this.workspaceId = run.workspaceId;
    this.input = run.input;
    this.startedBy = run.startedBy;
    this.flowVersion = run.flowVersion;
    this.parent = run.parent;
    this.graph = run.graph;
    this.state = run.state;
    this.unsaved = run.unsaved;
  }

  /** Reports an error about this run that no caller waits for. */
  readonly report = (error: unknown): void => this.runtime.deps.onError?.(error, this.id);

  /**
   * The one way to run work on the run's queue: after everything queued before it, alone.
   * Resolves or rejects with what `work` did (the run may leave memory just before, if it is
   * idle); a caller that does not wait for it reports the error (`.catch(actor.report)`).
   */
  act<T>(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const done = this.queue.then(work).finally(this.settled);
    this.queue = done.then(ignore, ignore);
    this.runtime.track(this.queue);
    return done;
  }

  private readonly settled = (): void => {
    this.pending--;
    this.runtime.forgetIfIdle(this);
  };

  /**
   * The one way to record: in the queue, fenced (appended only at the seq this copy knows).
   * When another process appended first, this copy has caught up and `stillCounts` is asked
   * again, up to RECORD_TRIES times.
   */
  record(what: Recordable, { stillCounts, orFailRun = false }: RecordOptions = {}): Promise<void> {
    return this.act(async () => {
      try {
        await this.recordNow(what, stillCounts);
      } catch (error) {
        if (!orFailRun || !(error instanceof CommitFailed) || this.unsaved) throw error;
        await this.recordFailure(error);
      }
    });
  }

  /** `record` once in the queue. */
  private async recordNow(what: Recordable, stillCounts?: () => boolean): Promise<void> {
    for (let tries = 1; ; tries++) {
      if (stillCounts && !stillCounts()) return;
      try {
        return await (typeof what === "function" ? commit(this, what()) : applyBatch(this, what));
      } catch (error) {
        // Another process appended first: nothing was recorded, and commit() caught this copy up.
        if (!(error instanceof SeqConflict) || !stillCounts || tries >= RECORD_TRIES) throw error;
      }
    }
  }

  /**
   * Records that the run failed because `failed` could not be stored; tried until it is stored
   * or the engine stops (then `failed` is thrown: the run resumes at the next boot, as after a
   * crash, and a timer that led here stays unfired).
   */
  private async recordFailure(failed: CommitFailed): Promise<void> {
    this.report(failed);
    const unfinished = () => {
      if (this.finished) return false;
      if (this.runtime.lifetime.aborted) throw failed;
      return true;
    };
    for (;;) {
      try {
        return await this.recordNow(runFailedUnstored(failed), unfinished);
      } catch (again) {
        if (again === failed || !(again instanceof CommitFailed)) throw again;
        this.report(again);
        await pause(this.runtime.commitRetry.maxPauseMs, this.runtime.lifetime);
      }
    }
  }

  get finished(): boolean {
    return terminalRunStatuses.includes(this.state.status);
  }

  /** Whether the run, as this process knows it, still runs this attempt of its node instance. */
  runs(attempt: { nodeId: string; path: number[]; attempt: number }): boolean {
    const current = this.state.nodes[nodeKey(attempt.nodeId, attempt.path)];
    return current?.status === "running" && current.attempt === attempt.attempt;
  }

  /**
   * Whether the run may leave memory: nothing is queued on it, and it is finished, or has no
   * attempt in flight here while it waits (or, following other processes, at all). A caller
   * arriving while work is queued would load a second copy from the log, without the queued
   * work's events, and the two would race for the next seq.
   */
  mayLeave(follow: boolean): boolean {
    if (this.pending > 0) return false;
    const idle = this.state.status === "waiting" || this.state.status === "paused";
    return this.finished || (this.attempts.size === 0 && (idle || follow));
  }

  /** Registers an attempt in flight here, so a cancel (heard or decided here) can abort it. */
  hold(command: ExecuteCommand): AbortController {
    const controller = new AbortController();
    this.attempts.set(nodeKey(command.nodeId, command.path), { command, controller });
    return controller;
  }

  /** The attempt held with `controller` has ended. */
  release(command: ExecuteCommand, controller: AbortController): void {
    const instance = nodeKey(command.nodeId, command.path);
    if (this.attempts.get(instance)?.controller === controller) this.attempts.delete(instance);
  }

  /** Aborts the attempts held here that `which` picks (all by default). */
  abort(kind: AbortReason["kind"], message: string, which: (command: ExecuteCommand) => boolean = everything): void {
    for (const { command, controller } of this.attempts.values()) {
      if (which(command)) controller.abort(new AbortReason(kind, message));
    }
  }

  attemptOf(state: RunState, command: ExecuteCommand): AttemptOf {
    return { runId: this.id, workspaceId: this.workspaceId, graph: this.graph, state, command };
  }
}
