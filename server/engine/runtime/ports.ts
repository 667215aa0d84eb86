import type { FlowDocument, FlowNode } from "../../../lib/flow/document";
import type { BreakerSettings } from "../../../lib/flow/kinds/step-settings";
import type { ApprovalRequest, EngineEvent, RunError, RunEvent, RunStatus, TokenUsage } from "../../../lib/run/events";
import type { RunState } from "../../../lib/run/state";
import type { FlowGraph } from "../core/graph";
import type { OutboundRequest, OutboundResponse } from "./outbound/http-client";
import type { NodeExpressions } from "./sandbox/node-expressions";

/**
 * Small interfaces the runtime depends on. The concrete adapters are wired in one place:
 * server/embedded-engine.ts (Prisma stores, the in-process bus, the system clock), which
 * server/scale-out-engine.ts reuses with the Redis bus and the step queue; server/app.ts picks
 * one, and tests and the CLI call them directly.
 */

export interface Clock {
  now(): Date;
  /**
   * For a clock that jumps (a test's clock, server/testing/test-clock.ts): calls `listener`
   * whenever the time moved other than by passing, so whoever sleeps until a due time (the
   * timer loop) looks again. Returns the unsubscribe. The system clock has none.
   */
  onJump?(listener: () => void): () => void;
}

export interface StoredRun {
  id: string;
  workspaceId: string;
  definition: FlowDocument;
  input: unknown;
  status: RunStatus;
  startedBy: { id: string; name: string } | null;
  /** The published version it runs; null for a run of the draft. */
  flowVersion: number | null;
  /** Highest seq recorded; 0 for a run that has not started. */
  lastSeq: number;
  /** A sub-flow's run: who called it. */
  parent: RunParent | null;
  /** How many calls deep (0: not called by a flow). */
  depth: number;
}

/** The node instance that called a sub-flow's run: its run, node and calling attempt's idempotency key. */
export interface RunParent {
  runId: string;
  nodeId: string;
  key: string;
}

/** What started a run (the runs list shows it). */
export type RunTrigger = "manual" | "webhook" | "schedule" | "subflow" | "retry" | "failure";

/** A run not stored yet: its row is written with its first events. */
export interface NewRun {
  workspaceId: string;
  flowId: string;
  /** The published version it runs; null for a run of the draft. */
  flowVersion: number | null;
  definition: FlowDocument;
  input: unknown;
  startedBy: { id: string; name: string } | null;
  /** The failed run this one retries. */
  retryOfId?: string;
  /** Default "manual". */
  trigger?: RunTrigger;
  parent?: RunParent;
  /** What started it, once only: a schedule's fire (`schedule:<id>:<due time>`). A sub-flow's is parent.key. */
  key?: string;
  depth?: number;
}

export interface RunStore {
  /** An id for a run to create with `append(…, create)`. */
  newRunId(): string;
  getRun(runId: string): Promise<StoredRun | null>;
  /** Runs a previous process left unfinished (queued, running or waiting). */
  unfinishedRunIds(): Promise<string[]>;
  /** The run a sub-flow call with this idempotency key started, if any. */
  childOf(
    parentKey: string,
  ): Promise<{ id: string; status: RunStatus; output: unknown; error: RunError | null } | null>;
  events(runId: string, afterSeq?: number): Promise<RunEvent[]>;
  /**
   * Appends events numbered from `expectedLastSeq + 1` in one transaction and mirrors the run
   * state on the run row. Throws SeqConflict when another writer appended first (fencing).
   * With `create`, the run's first append: its row is inserted in the same transaction.
   */
  append(
    runId: string,
    expectedLastSeq: number,
    events: EngineEvent[],
    at: Date,
    state: RunState,
    create?: NewRun,
  ): Promise<RunEvent[]>;
}

export class SeqConflict extends Error {
  constructor(runId: string, expected: number) {
    super(`run ${runId} moved past seq ${expected}; another writer appended first`);
  }
}

export interface DueTimer {
  key: string;
  runId: string;
  dueAt: Date;
  event: EngineEvent;
}

/** Durable timers: rows with due times, so waiting costs no memory and survives restarts. */
export interface TimerStore {
  /** Arms a timer; arming the same key again changes nothing. */
  schedule(timer: DueTimer): Promise<void>;
  /** Unfired timers due at or before `now` and not claimed (or claimed until `now` at the latest), oldest first. */
  due(now: Date, limit: number): Promise<DueTimer[]>;
  /**
   * When `due` may next find a timer, as of `now`: the earliest due time of an unclaimed timer,
   * or when a claim runs out, if sooner; null when no timer is unfired.
   */
  nextDueAt(now: Date): Promise<Date | null>;
  /** Marks a timer fired; false if it was already (another process got it). */
  markFired(key: string, at: Date): Promise<boolean>;
  /** Takes an unfired timer for delivery until `until`; false if another process holds it. */
  claim(key: string, now: Date, until: Date): Promise<boolean>;
  /** Holds a claim longer (a delivery that takes a while); false if it is no longer held until `held`. */
  renew(key: string, held: Date, until: Date): Promise<boolean>;
  /** Gives a claimed timer back (its delivery did not happen: it is looked at again). */
  release(key: string): Promise<void>;
}

export type { BreakerSettings };

/** Circuit breakers (step setting `breaker`), per workspace and key, one state for every process (server/db/circuit-breakers.ts). */
export interface CircuitBreakers {
  /** Whether an attempt may call out now; `probe`: it is the half-open probe, whose outcome decides. */
  admit(
    workspaceId: string,
    key: string,
    now: Date,
    settings: BreakerSettings,
  ): Promise<{ admitted: true; probe: boolean } | { admitted: false; openUntil: Date; failures: number }>;
  /** The admitted attempt's outcome. */
  record(
    workspaceId: string,
    key: string,
    ok: boolean,
    now: Date,
    settings: BreakerSettings,
    probe: boolean,
  ): Promise<void>;
}

/** Rate limits (step setting `rateLimit`): token buckets per workspace and key, shared by every process (server/db/rate-limits.ts). */
export interface RateLimits {
  /** Takes a token: when it is (or will be) there, reserved for the caller. */
  take(
    workspaceId: string,
    key: string,
    now: Date,
    rate: { ratePerSecond: number; burst: number },
  ): Promise<{ at: Date }>;
}

/** Stored answers of steps with `cache { ttlMs }`, per workspace, shared by every process (server/db/step-cache.ts). */
export interface StepCache {
  /** The answer stored under `key` that has not expired at `now`, or null. */
  get(workspaceId: string, key: string, now: Date): Promise<{ value: unknown; storedAt: Date } | null>;
  put(workspaceId: string, key: string, value: unknown, now: Date, expiresAt: Date): Promise<void>;
}

/** Committed events, in order, with the workspace their run belongs to (for room fan-out). */
export interface EventBus {
  publish(events: RunEvent[], workspaceId: string): void;
  subscribe(listener: (events: RunEvent[], workspaceId: string) => void): () => void;
}

/** Whose access changed: a person (membership or role) or one session (signed out, revoked). */
export type AccessChange = { userId: string } | { sessionId: string };

/**
 * Access changes, heard by every process (this one too) on the event bus's channel, so the
 * process holding a person's sockets drops them wherever the change was made (realtime).
 * Published after the change is committed.
 */
export interface AccessNotices {
  publishAccessChange(change: AccessChange): void;
  subscribeAccessChanges(listener: (change: AccessChange) => void): () => void;
}

export interface ExecutionContext {
  runId: string;
  graph: FlowGraph;
  node: FlowNode;
  /** Enclosing loop iterations ([] outside loops). */
  path: number[];
  state: RunState;
  attempt: number;
  idempotencyKey: string;
  signal: AbortSignal;
  now: Date;
  /** The only way an executor reaches the network (address policy, deadline, size cap). */
  http: (request: OutboundRequest) => Promise<OutboundResponse>;
  /** Records what the attempt sends out (prompt, request) so people can see it; never secrets. */
  describe: (input: unknown) => void;
  /** Reports text the attempt has produced so far (streamed tokens); shown live, recorded in batches. */
  progress: (text: string) => void;
  /** Opens a credential of the run's workspace; the value must never be logged or output. */
  credential: (id: string) => Promise<string>;
  /** This node's expressions and templates, evaluated within the sandbox's bounds. */
  expressions: NodeExpressions;
  /** The URL that resumes this node instance (a wait node); throws where callbacks cannot arrive. */
  resumeUrl: () => string;
  /**
   * Starts (or finds, when this attempt made it before) the child run of a sub-flow node, or
   * of an agent's tool call `callId` (one child per call).
   */
  callFlow: (call: {
    flowId: string;
    version: "published" | number;
    input: unknown;
    callId?: string;
  }) => Promise<ChildCall>;
  /**
   * Records an event about this attempt durably before going on (an agent's turn, a tool call
   * and its result), so that the attempt, run again, finds it done. Throws when the attempt no
   * longer counts (cancelled, or handed on): nothing was recorded.
   */
  record: (event: EngineEvent) => Promise<void>;
  /**
   * The answer to `request` (as rendered, without secrets) stored within `ttlMs`, or `compute`'s,
   * stored for next time; `hit` says which. Where no cache is wired, it always computes.
   */
  cached: <T>(request: unknown, ttlMs: number, compute: () => Promise<T>) => Promise<{ value: T; hit: boolean }>;
}

/** A sub-flow call's child run, and how it ended when it already has. */
export interface ChildCall {
  runId: string;
  ended?: { status: "succeeded" | "failed" | "cancelled"; output?: unknown; error?: RunError };
}

/** Where sub-flow calls are made (the server: flows of the workspace; the CLI: --flows DIR). */
export interface SubflowCalls {
  call(request: {
    workspaceId: string;
    parentRunId: string;
    parentNodeId: string;
    /** The calling attempt's idempotency key: one child per attempt. */
    parentKey: string;
    flowId: string;
    version: "published" | number;
    input: unknown;
  }): Promise<ChildCall>;
}

export type NodeOutcome =
  | {
      output: unknown;
      /** Output handles taken; defaults to all of the kind's handles. */
      handles?: string[];
      usage?: TokenUsage;
      /** The answer came from the step cache (`cache { ttlMs }`). */
      cached?: boolean;
    }
  /** The node parks until people decide (approval). */
  | { waitFor: ApprovalRequest }
  /** The node parks on a timer (delay), a callback (wait) or a child run (subflow). */
  | {
      park:
        | { until: string }
        | { resumeUrl: string; timeoutAt?: string }
        | { childRunId: string }
        /** An agent whose tool calls wait for decisions or child runs; the core runs it again when one may go on. */
        | { toolCalls: string[] };
    }
  /** A forEach loop's list; the core runs the body once per item. */
  | { loopItems: unknown[] };

export type NodeExecutor = (context: ExecutionContext) => Promise<NodeOutcome>;
