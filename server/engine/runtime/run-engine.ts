import { type NodeType, nodeKind } from "../../../lib/flow/kinds";
import { outputHandles } from "../../../lib/flow/kinds/kind";
import { type EngineEvent, terminalRunStatuses } from "../../../lib/run/events";
import { foldRunEvents, initialRunState, type RunState } from "../../../lib/run/state";
import { advance, resume } from "../core/advance";
import type { Command } from "../core/commands";
import { compileFlow, type FlowGraph } from "../core/graph";
import type { Clock, EventBus, NodeExecutor, RunStore } from "./ports";

interface LiveRun {
  id: string;
  graph: FlowGraph;
  state: RunState;
  /** Events of one run are recorded one at a time, in order. */
  queue: Promise<void>;
}

export interface RunEngineDeps {
  store: RunStore;
  bus: EventBus;
  clock: Clock;
  executors: { [K in NodeType]: NodeExecutor };
  onError?: (error: unknown, runId: string) => void;
}

/**
 * The runtime shell around the pure core: records each event with the core's decisions in one
 * append, publishes them, then carries out the commands. Holds no state that the event log
 * cannot rebuild, so `recover()` after a crash continues where the log stops.
 */
export class RunEngine {
  private readonly live = new Map<string, LiveRun>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly aborts = new Set<AbortController>();

  constructor(private readonly deps: RunEngineDeps) {}

  /** Starts a run whose row (status `queued`, input, snapshot) the caller has created. */
  async start(runId: string): Promise<void> {
    const live = await this.load(runId, initialRunState());
    const input = (await this.deps.store.getRun(runId))?.input ?? {};
    await this.record(live, { type: "run.started", data: { input } });
  }

  /** Resumes every run a previous process left unfinished. Returns how many. */
  async recover(): Promise<number> {
    const ids = await this.deps.store.unfinishedRunIds();
    for (const id of ids) {
      const events = await this.deps.store.events(id);
      if (events.length === 0) {
        await this.start(id);
        continue;
      }
      const live = await this.load(id, foldRunEvents(events));
      this.enqueue(live, async () => {
        const planned = resume(live.graph, id, live.state, this.deps.clock.now().toISOString());
        await this.commit(live, planned.events, planned.state, planned.commands);
      });
    }
    return ids.length;
  }

  /** Resolves when no run has work in flight (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Aborts every attempt in flight; their runs resume at the next boot. */
  stop(): void {
    for (const controller of this.aborts) controller.abort(new Error("server shutting down"));
  }

  private async load(runId: string, state: RunState): Promise<LiveRun> {
    const existing = this.live.get(runId);
    if (existing) return existing;
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} does not exist`);
    const live: LiveRun = { id: runId, graph: compileFlow(run.definition), state, queue: Promise.resolve() };
    this.live.set(runId, live);
    return live;
  }

  private record(live: LiveRun, event: EngineEvent): Promise<void> {
    return this.enqueue(live, async () => {
      const now = this.deps.clock.now();
      const next = advance(live.graph, live.id, live.state, event, now.toISOString());
      await this.commit(live, [event, ...next.events], next.state, next.commands);
    });
  }

  private enqueue(live: LiveRun, work: () => Promise<void>): Promise<void> {
    const queued = live.queue.then(work).catch((error) => this.deps.onError?.(error, live.id));
    live.queue = queued;
    this.track(queued);
    return queued;
  }

  private async commit(live: LiveRun, events: EngineEvent[], state: RunState, commands: Command[]): Promise<void> {
    if (events.length > 0) {
      const stored = await this.deps.store.append(live.id, live.state.lastSeq, events, this.deps.clock.now(), state);
      live.state = state;
      this.deps.bus.publish(stored);
    }
    for (const command of commands) this.track(this.execute(live, command));
    if (terminalRunStatuses.includes(live.state.status)) this.live.delete(live.id);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    work.finally(() => this.inFlight.delete(work));
  }

  private async execute(live: LiveRun, command: Command): Promise<void> {
    const node = live.graph.nodes.get(command.nodeId);
    if (!node) return;
    const type = node.type as NodeType;
    const controller = new AbortController();
    this.aborts.add(controller);
    const ref = { nodeId: command.nodeId, iteration: command.iteration };
    try {
      const outcome = await this.deps.executors[type]({
        runId: live.id,
        graph: live.graph,
        node,
        state: live.state,
        attempt: command.attempt,
        idempotencyKey: command.idempotencyKey,
        signal: controller.signal,
      });
      const handles = outcome.handles ?? [...outputHandles(nodeKind(type), node.data)];
      await this.record(live, {
        type: "node.succeeded",
        ...ref,
        data: { attempt: command.attempt, output: outcome.output ?? null, handles },
      });
    } catch (error) {
      if (controller.signal.aborted) return; // shutting down: the attempt runs again after recovery
      const retryable = (error as { retryable?: unknown }).retryable === true;
      const message = error instanceof Error ? error.message : String(error);
      await this.record(live, {
        type: "node.failed",
        ...ref,
        data: { attempt: command.attempt, error: { message, nodeId: command.nodeId, retryable } },
      });
    } finally {
      this.aborts.delete(controller);
    }
  }
}
