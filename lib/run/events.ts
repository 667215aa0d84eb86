import { z } from "zod";

/**
 * The run contract (docs/flow-format.md, "Runs"): every fact about a run is one of these
 * events, numbered by `seq` from 1 with no gaps. Browser and server fold the same events.
 */
export const runStatuses = ["queued", "running", "waiting", "paused", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof runStatuses)[number];
/** Most events one replay answer carries; a client that gets this many asks again for the rest. */
export const REPLAY_PAGE = 5_000;

export const terminalRunStatuses: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];
/** A run in one of these is not over: a restart takes it up again. */
export const unfinishedRunStatuses: readonly RunStatus[] = ["queued", "running", "waiting", "paused"];

export const nodeStatuses = [
  "pending",
  "running",
  "waiting",
  "retrying",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
] as const;
export type NodeStatus = (typeof nodeStatuses)[number];

export const runErrorSchema = z.object({
  message: z.string(),
  nodeId: z.string().optional(),
  /** Whether trying again could help (engine RetryableError vs NonRetryableError). */
  retryable: z.boolean().default(false),
  /** A machine-readable reason, e.g. `circuit_open` (the step's breaker refused the attempt). */
  code: z.string().optional(),
});
export type RunError = z.infer<typeof runErrorSchema>;

/**
 * Which node instance an event is about. Inside loops, `path` lists the iteration index of
 * each enclosing loop, outermost first, and `iteration` repeats the innermost (0 outside).
 */
const nodeRef = {
  nodeId: z.string(),
  iteration: z.number().int().nonnegative(),
  path: z.array(z.number().int().nonnegative()).optional(),
};

export const tokenUsageSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  totalTokens: z.number(),
  /** The model that used them (its price turns them into cost); absent in runs from before costs. */
  model: z.string().optional(),
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export const actorSchema = z.object({ id: z.string(), name: z.string() });
export type Actor = z.infer<typeof actorSchema>;

/** Who may decide an approval; all empty: any member who may decide. */
export const assigneesSchema = z.object({
  users: z.array(z.string()),
  roles: z.array(z.string()),
  groups: z.array(z.string()).default([]),
});
export type Assignees = z.infer<typeof assigneesSchema>;

/** What an approval node asks, rendered when the path reaches it. */
export const approvalRequestSchema = z.object({
  title: z.string(),
  instructions: z.string(),
  show: z.unknown(),
  assignees: assigneesSchema,
  requiredApprovals: z.number().int().positive(),
  allowRequesterToApprove: z.boolean(),
  form: z.array(z.object({ name: z.string(), label: z.string(), type: z.string(), required: z.boolean() })),
  timeoutAt: z.string().optional(),
  /** An agent's tool call waiting for people (absent for an approval node). */
  callId: z.string().optional(),
  /** That call: the tool, its arguments, whether the approver may edit them, and their JSON schema. */
  tool: z
    .object({
      name: z.string(),
      args: z.unknown(),
      editableArgs: z.boolean(),
      parameters: z.record(z.string(), z.unknown()),
    })
    .optional(),
});
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

export const decisionSchema = z.object({
  decision: z.enum(["approve", "reject"]),
  by: actorSchema,
  comment: z.string().default(""),
  form: z.record(z.string(), z.unknown()).default({}),
});
export type Decision = z.infer<typeof decisionSchema>;

export const engineEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("run.started"),
    data: z.object({
      input: z.unknown(),
      startedBy: actorSchema.optional(),
      /** The published version it runs; null for the draft (absent in runs from before versions). */
      flowVersion: z.number().int().positive().nullable().optional(),
    }),
  }),
  z.object({ type: z.literal("node.started"), ...nodeRef, data: z.object({ attempt: z.number().int().positive() }) }),
  z.object({
    type: z.literal("node.succeeded"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      output: z.unknown(),
      /** Output handles the node took; the others' edges become dead. */
      handles: z.array(z.string()),
      /** Set when a retried run reuses this result from the failed run it retries. */
      reusedFrom: z.string().optional(),
      /** Tokens an agent's model calls used. */
      usage: tokenUsageSchema.optional(),
      /** The answer came from the step cache (`cache { ttlMs }`): nothing was sent out. */
      cached: z.boolean().optional(),
    }),
  }),
  z.object({
    type: z.literal("node.failed"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), error: runErrorSchema }),
  }),
  /** What an attempt sends out (an agent's rendered prompt, an HTTP request), for the inspector. */
  z.object({
    type: z.literal("node.input"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), input: z.unknown() }),
  }),
  /** Text an attempt has produced so far (an agent's streamed tokens), a chunk per event. */
  z.object({
    type: z.literal("node.progress"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), text: z.string() }),
  }),
  z.object({ type: z.literal("node.skipped"), ...nodeRef, data: z.object({}) }),
  z.object({
    type: z.literal("node.retrying"),
    ...nodeRef,
    /** `attempt` failed with `error`; the next attempt starts at `retryAt`. */
    data: z.object({ attempt: z.number().int().positive(), error: runErrorSchema, retryAt: z.string() }),
  }),
  z.object({ type: z.literal("node.cancelled"), ...nodeRef, data: z.object({ reason: z.string() }) }),
  /** A durable timer fell due (retry back-off, approval deadline); recorded so a restart never fires it twice. */
  z.object({
    type: z.literal("timer.fired"),
    ...nodeRef,
    data: z.object({
      purpose: z.enum(["retry", "approval-timeout", "delay", "wait-timeout", "throttle"]),
      attempt: z.number().int().positive(),
      /** approval-timeout: the escalation level whose deadline this is (0: the first). */
      level: z.number().int().nonnegative().optional(),
      /** approval-timeout of an agent's tool call: which call. */
      callId: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal("approval.requested"), ...nodeRef, data: approvalRequestSchema }),
  z.object({
    type: z.literal("approval.decided"),
    ...nodeRef,
    /** `requestId`: the decision's idempotency key, so a repeated request finds its answer. */
    data: decisionSchema.extend({
      at: z.string(),
      requestId: z.string().optional(),
      /** A tool call's approval: which call, and the arguments as the approver edited them. */
      callId: z.string().optional(),
      args: z.unknown().optional(),
    }),
  }),
  /** Nobody decided in time: the task now belongs to `assignees` until `timeoutAt` (level n of the node's escalation). */
  z.object({
    type: z.literal("approval.escalated"),
    ...nodeRef,
    data: z.object({
      level: z.number().int().positive(),
      assignees: assigneesSchema,
      timeoutAt: z.string(),
      /** An agent's tool call's approval. */
      callId: z.string().optional(),
    }),
  }),
  z.object({ type: z.literal("run.waiting"), data: z.object({}) }),
  /** A delay parked its path on a durable timer until `until`. */
  z.object({
    type: z.literal("node.waiting"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), until: z.string() }),
  }),
  /** A wait node parked: a POST to `resumeUrl` (once) or the deadline moves it on. */
  z.object({
    type: z.literal("wait.started"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      resumeUrl: z.string(),
      timeoutAt: z.string().optional(),
    }),
  }),
  /** Its resume URL was called with this JSON body (the node's output). */
  z.object({ type: z.literal("wait.resumed"), ...nodeRef, data: z.object({ body: z.unknown() }) }),
  /** A sub-flow node started child run `runId` and waits for it. */
  z.object({
    type: z.literal("subflow.started"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      runId: z.string(),
      /** Started by an agent's tool call, not by a sub-flow node. */
      callId: z.string().optional(),
    }),
  }),
  /** The child run `runId` ended. */
  z.object({
    type: z.literal("subflow.finished"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      runId: z.string(),
      status: z.enum(["succeeded", "failed", "cancelled"]),
      output: z.unknown().optional(),
      error: runErrorSchema.optional(),
      callId: z.string().optional(),
    }),
  }),
  /** The step's rate limit (`key`) is used up: the attempt waits until `until`, its token reserved. */
  z.object({
    type: z.literal("node.throttled"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), until: z.string(), key: z.string() }),
  }),
  /** A waiting agent goes on with the same attempt: a tool call it waited for can proceed. */
  z.object({ type: z.literal("node.resumed"), ...nodeRef, data: z.object({ attempt: z.number().int().positive() }) }),
  /** An agent parked: tool calls it made wait for a decision or a child run (`callIds`). */
  z.object({
    type: z.literal("agent.waiting"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), callIds: z.array(z.string()) }),
  }),
  /** An agent's model answered turn `step`: text, and the tools it calls (`arguments` as the model sent them). */
  z.object({
    type: z.literal("agent.turn"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      step: z.number().int().positive(),
      content: z.string(),
      toolCalls: z.array(z.object({ callId: z.string(), id: z.string(), name: z.string(), arguments: z.string() })),
      usage: tokenUsageSchema.optional(),
    }),
  }),
  /** The agent took up one of the model's tool calls: `args` as parsed (the raw text when it is not JSON). */
  z.object({
    type: z.literal("tool.called"),
    ...nodeRef,
    data: z.object({ attempt: z.number().int().positive(), callId: z.string(), name: z.string(), args: z.unknown() }),
  }),
  /** A tool call's result (or why it has none), as given back to the model. */
  z.object({
    type: z.literal("tool.returned"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      callId: z.string(),
      result: z.unknown().optional(),
      error: z.string().optional(),
      durationMs: z.number().nonnegative().optional(),
      /** The result was cut to the size a tool result may have. */
      truncated: z.boolean().optional(),
    }),
  }),
  /** Nobody decided on a tool call in time: its approval's timeout action applies. */
  z.object({
    type: z.literal("tool.expired"),
    ...nodeRef,
    data: z.object({
      attempt: z.number().int().positive(),
      callId: z.string(),
      action: z.enum(["approve", "reject", "fail"]),
    }),
  }),
  /** A forEach loop evaluated its list. */
  z.object({ type: z.literal("loop.items"), ...nodeRef, data: z.object({ items: z.array(z.unknown()) }) }),
  /** A loop started iteration `index` of its body. */
  z.object({
    type: z.literal("loop.iteration"),
    ...nodeRef,
    data: z.object({ index: z.number().int().nonnegative() }),
  }),
  /**
   * A loop's body finished iteration `index` with this output. `done`: a repeat loop's `until`
   * after it, when it could be answered at once (else a `loop.until` follows).
   */
  z.object({
    type: z.literal("loop.iterated"),
    ...nodeRef,
    data: z.object({ index: z.number().int().nonnegative(), output: z.unknown(), done: z.boolean().optional() }),
  }),
  /** A repeat loop evaluated `until` after iteration `index`. */
  z.object({
    type: z.literal("loop.until"),
    ...nodeRef,
    data: z.object({ index: z.number().int().nonnegative(), done: z.boolean() }),
  }),
  /** Someone paused the run: no new step starts; attempts in flight finish and are recorded. */
  z.object({ type: z.literal("run.paused"), data: z.object({ by: actorSchema.optional() }) }),
  /** Someone resumed a paused run: what became ready meanwhile starts. */
  z.object({ type: z.literal("run.resumed"), data: z.object({ by: actorSchema.optional() }) }),
  /**
   * The run undoes what it did (saga): the compensation handlers of `steps` (succeeded steps,
   * latest first) run one at a time, then the run ends as `reason` says, with what is kept here.
   */
  z.object({
    type: z.literal("compensation.started"),
    data: z.object({
      reason: z.enum(["failed", "cancelled", "end"]),
      steps: z.array(z.string()),
      /** failed: the run's error · cancelled: why · end: the run's output. */
      error: runErrorSchema.optional(),
      cancelReason: z.string().optional(),
      output: z.unknown().optional(),
    }),
  }),
  z.object({ type: z.literal("compensation.finished"), data: z.object({}) }),
  /** The flow's maxDurationMs passed with the run unfinished (a durable timer armed when it started). */
  z.object({ type: z.literal("run.overdue"), data: z.object({ maxDurationMs: z.number().int().positive() }) }),
  z.object({
    type: z.literal("run.succeeded"),
    data: z.object({ output: z.unknown(), compensated: z.boolean().optional() }),
  }),
  z.object({
    type: z.literal("run.failed"),
    data: z.object({ error: runErrorSchema, compensated: z.boolean().optional() }),
  }),
  z.object({
    type: z.literal("run.cancelled"),
    data: z.object({ reason: z.string(), compensated: z.boolean().optional() }),
  }),
]);

/** An event as the engine decides it, before it is numbered and stored. */
export type EngineEvent = z.infer<typeof engineEventSchema>;
export type EngineEventType = EngineEvent["type"];

/** An event as stored and as sent to watchers. */
export type RunEvent = EngineEvent & { runId: string; seq: number; at: string };

export const runEventSchema = z.intersection(
  engineEventSchema,
  z.object({ runId: z.string(), seq: z.number().int().positive(), at: z.string() }),
);
