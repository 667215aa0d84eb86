import { createHash } from "node:crypto";
import { type NodeType, nodeKind, successHandles } from "../../../lib/flow/kinds";
import { rateOf, stepSettings } from "../../../lib/flow/kinds/step-settings";
import { describeJsonLimit, jsonLimitProblem } from "../../../lib/json/limits";
import type { EngineEvent } from "../../../lib/run/events";
import { nodeRef } from "../../../lib/run/node-ref";
import { nodeKey, type RunState } from "../../../lib/run/state";
import { type Command, toolCallKey } from "../core/commands";
import type { FlowGraph } from "../core/graph";
import { CircuitOpen, NonRetryableError } from "./errors";
import type { OutboundRequest, OutboundResponse } from "./outbound/http-client";
import type {
  BreakerSettings,
  CircuitBreakers,
  Clock,
  NodeExecutor,
  NodeOutcome,
  RateLimits,
  StepCache,
  SubflowCalls,
} from "./ports";
import type { ExpressionSandbox } from "./sandbox/expression-sandbox";
import { nodeExpressions } from "./sandbox/node-expressions";

/** What running an attempt needs from the engine's wiring. */
export interface AttemptDeps {
  executors: { [K in NodeType]: NodeExecutor };
  clock: Clock;
  /** Outbound HTTP for executors (server/engine/runtime/outbound), under the workspace's address policy. */
  http: (request: OutboundRequest, workspaceId: string) => Promise<OutboundResponse>;
  /** Opens a credential of a workspace by id. */
  credential: (workspaceId: string, id: string) => Promise<string>;
  /** Where expressions the quick evaluator does not cover are evaluated (sandbox/expression-sandbox.ts). */
  expressions: Pick<ExpressionSandbox, "evaluate">;
  /** The resume URL of a wait node instance; absent where no callback can arrive. */
  resumeUrl?: (at: { runId: string; nodeId: string; path: number[] }) => string;
  /** Where sub-flow calls are made; absent where flows cannot call flows. */
  subflows?: SubflowCalls;
  /** Stored answers of steps with `cache { ttlMs }`; absent: nothing is cached. */
  cache?: StepCache;
  /** Circuit breakers of steps with `breaker`; absent: no step is guarded. */
  breakers?: CircuitBreakers;
  /** Rate limits of steps with `rateLimit`; absent: no step is throttled. */
  rateLimits?: RateLimits;
}

/** The attempt of one node instance in one run, as of `state`. */
export interface AttemptOf {
  runId: string;
  workspaceId: string;
  graph: FlowGraph;
  state: RunState;
  command: Extract<Command, { type: "execute" }>;
}

/** Why an attempt was aborted; only a timeout is the attempt's own failure. */
export class AbortReason extends Error {
  constructor(
    readonly kind: "timeout" | "cancelled" | "shutdown",
    message: string,
  ) {
    super(message);
  }
}

/** Where an attempt's news go while it runs: streamed text, what it sends out, durable progress. */
export interface AttemptReport {
  add: (text: string) => void;
  describe: (input: unknown) => void;
  record: (event: EngineEvent) => Promise<void>;
}

/** Inline pure steps report nothing while they run. */
const inlineReport: AttemptReport = {
  add() {},
  describe() {},
  record: () => Promise.reject(new NonRetryableError("this step cannot record progress")),
};

/** The signal of inline pure steps: nothing aborts them (their executors never look at it). */
const neverAborted = new AbortController().signal;

/** Rejects when `signal` aborts: an executor that ignores its signal still stops counting. */
function abortion(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
  );
  aborted.catch(() => {});
  return aborted;
}

/**
 * Runs one attempt's executor and turns what happened into the event to record, or null
 * when the attempt was cancelled or interrupted by a shutdown (nothing to record). Without
 * a signal (a pure step run inline) nothing can interrupt it, so there is nothing to race.
 */
export async function runAttempt(
  deps: AttemptDeps,
  { runId, workspaceId, graph, state, command }: AttemptOf,
  signal: AbortSignal = neverAborted,
  report: AttemptReport = inlineReport,
): Promise<EngineEvent | null> {
  const node = graph.nodes.get(command.nodeId)!;
  const type = node.type as NodeType;
  const ref = nodeRef(command.nodeId, command.path);
  const aborted = signal === neverAborted ? undefined : abortion(signal);
  const { credential, http } = deps;
  const settings = stepSettings(node.data);
  const breaker = breakerGuard(deps, workspaceId, settings.breaker);
  try {
    // Over its rate limit, the attempt waits for its reserved token on a durable timer (a resumed one has it).
    const limit = settings.rateLimit;
    if (limit && deps.rateLimits && !state.nodes[nodeKey(command.nodeId, command.path)]?.throttled?.passed) {
      const now = deps.clock.now();
      const { at } = await deps.rateLimits.take(workspaceId, limit.key, now, rateOf(limit));
      if (at > now)
        return {
          type: "node.throttled",
          ...ref,
          data: { attempt: command.attempt, until: at.toISOString(), key: limit.key },
        };
    }
    const running = deps.executors[type]({
      runId,
      graph,
      node,
      path: command.path,
      state,
      attempt: command.attempt,
      idempotencyKey: command.idempotencyKey,
      signal,
      now: deps.clock.now(),
      async http(request) {
        await breaker?.admit(request.url);
        return http(request, workspaceId);
      },
      progress: report.add,
      describe: report.describe,
      credential(id) {
        return credential(workspaceId, id);
      },
      expressions: nodeExpressions(command.nodeId, deps.expressions),
      resumeUrl() {
        if (!deps.resumeUrl) throw new NonRetryableError("nothing can resume a wait here (no server takes callbacks)");
        return deps.resumeUrl({ runId, nodeId: command.nodeId, path: command.path });
      },
      callFlow({ callId, ...call }) {
        if (!deps.subflows) throw new NonRetryableError("flows cannot call other flows here");
        return deps.subflows.call({
          ...call,
          workspaceId,
          parentRunId: runId,
          parentNodeId: command.nodeId,
          parentKey: callId === undefined ? command.idempotencyKey : toolCallKey(command.idempotencyKey, callId),
        });
      },
      record: report.record,
      async cached(request, ttlMs, compute) {
        if (!deps.cache) return { value: await compute(), hit: false };
        const key = createHash("sha256")
          .update(`${type}\n${JSON.stringify(request)}`)
          .digest("hex");
        const now = deps.clock.now();
        const stored = await deps.cache.get(workspaceId, key, now);
        if (stored) return { value: stored.value as Awaited<ReturnType<typeof compute>>, hit: true };
        const value = await compute();
        await deps.cache.put(workspaceId, key, value, now, new Date(now.getTime() + ttlMs));
        return { value, hit: false };
      },
    });
    const outcome = await (aborted ? Promise.race([running, aborted]) : running);
    await breaker?.settle(true);
    const unreadable = outcomeProblem(outcome);
    if (unreadable) throw new NonRetryableError(`${unreadable}: it could be stored but not read back`);
    if ("waitFor" in outcome) return { type: "approval.requested", ...ref, data: outcome.waitFor };
    if ("loopItems" in outcome) return { type: "loop.items", ...ref, data: { items: outcome.loopItems } };
    if ("park" in outcome) return parkedEvent(ref, command.attempt, outcome.park);
    // An executor that names no handle took every handle a success may take.
    const handles = outcome.handles ?? successHandles(nodeKind(type), node.data);
    return {
      type: "node.succeeded",
      ...ref,
      data: {
        attempt: command.attempt,
        output: outcome.output ?? null,
        handles,
        ...(outcome.usage && { usage: outcome.usage }),
        ...(outcome.cached && { cached: true }),
      },
    };
  } catch (error) {
    const reason = signal.reason;
    if (reason instanceof AbortReason && reason.kind !== "timeout") return null; // cancelled, or resumes after restart
    await breaker?.settle(false);
    const retryable = reason instanceof AbortReason || (error as { retryable?: unknown }).retryable === true;
    const message =
      reason instanceof AbortReason ? reason.message : error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    return {
      type: "node.failed",
      ...ref,
      data: {
        attempt: command.attempt,
        error: { message, nodeId: command.nodeId, retryable, ...(typeof code === "string" && { code }) },
      },
    };
  }
}

/**
 * A step's circuit breaker, for one attempt: each host it calls (or the breaker's `key`) is
 * admitted on the first request (an open circuit refuses it: CircuitOpen, nothing is sent), and
 * the attempt's outcome is recorded on what it was admitted to.
 */
function breakerGuard(deps: AttemptDeps, workspaceId: string, settings: BreakerSettings | undefined) {
  const breakers = deps.breakers;
  if (!settings || !breakers) return undefined;
  const admitted = new Map<string, boolean>(); // key → whether this attempt is its probe
  return {
    async admit(url: string) {
      const key = settings.key ?? new URL(url).host;
      if (admitted.has(key)) return;
      const answer = await breakers.admit(workspaceId, key, deps.clock.now(), settings);
      if (!answer.admitted) throw new CircuitOpen(key, answer.failures, answer.openUntil);
      admitted.set(key, answer.probe);
    },
    async settle(ok: boolean) {
      for (const [key, probe] of admitted)
        await breakers.record(workspaceId, key, ok, deps.clock.now(), settings, probe);
      admitted.clear();
    },
  };
}

/** The event that parks a node on what its executor named. */
function parkedEvent(
  ref: ReturnType<typeof nodeRef>,
  attempt: number,
  park: Extract<NodeOutcome, { park: unknown }>["park"],
): EngineEvent {
  if ("until" in park) return { type: "node.waiting", ...ref, data: { attempt, until: park.until } };
  if ("childRunId" in park) return { type: "subflow.started", ...ref, data: { attempt, runId: park.childRunId } };
  if ("toolCalls" in park) return { type: "agent.waiting", ...ref, data: { attempt, callIds: park.toolCalls } };
  return { type: "wait.started", ...ref, data: { attempt, ...park } };
}

/** Why what an executor produced may not be stored (lib/json/limits), or undefined. */
function outcomeProblem(outcome: NodeOutcome): string | undefined {
  if ("park" in outcome) return undefined;
  const [root, value] =
    "waitFor" in outcome
      ? ["show", outcome.waitFor.show]
      : "loopItems" in outcome
        ? ["items", outcome.loopItems]
        : ["output", outcome.output];
  const problem = jsonLimitProblem(value);
  return problem && describeJsonLimit(root, problem);
}
