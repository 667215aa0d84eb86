import { z } from "zod";
import { approvalDataSchema } from "./approval";
import { httpDataSchema } from "./http";
import type { NodeKind } from "./kind";
import { cacheSchema, stepSettingsShape, workStepOutputs } from "./step-settings";

/** OpenAI's rule for function names. */
const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a tool name has 1 to 64 letters, digits, _ or -");

/** What a tool call does: an HTTP request (templates may use `args`) or a run of a flow of the workspace. */
export const toolUseSchema = z.discriminatedUnion("kind", [
  httpDataSchema.pick({ method: true, url: true, headers: true, body: true, credentialId: true }).extend({
    kind: z.literal("http"),
  }),
  z.strictObject({
    kind: z.literal("subflow"),
    flowId: z.string().min(1, "pick the flow to call"),
    version: z.union([z.literal("published"), z.number().int().positive()]).default("published"),
  }),
]);

/** The approval node's deadline, whose fields a tool call's deadline shares. */
const approvalTimeout = approvalDataSchema.shape.timeout.unwrap();

/**
 * A tool whose calls wait for people: the approval node's assignees, instructions and timeout
 * (flow-format.md, "Agent tools"). `editableArgs`: the approver may change the arguments.
 */
export const toolApprovalSchema = approvalDataSchema
  .pick({ instructions: true, assignees: true, allowRequesterToApprove: true })
  .extend({
    /** Template; `args` and `tool` are in scope. Default: "Approve <tool>". */
    title: z.string().max(500).default(""),
    editableArgs: z.boolean().default(true),
    timeout: z
      .strictObject({
        afterMs: approvalTimeout.shape.afterMs,
        /** approve: the call runs · reject: the model hears nobody approved · fail: the agent fails. */
        action: z.enum(["reject", "approve", "fail"]).default("reject"),
        /** As the approval node's: levels tried in order (other groups, a new deadline) before `action`. */
        escalate: approvalTimeout.shape.escalate,
      })
      .optional(),
  });
export type ToolApproval = z.infer<typeof toolApprovalSchema>;

export const toolSchema = z.strictObject({
  name: toolName,
  description: z.string().max(4_000).default(""),
  /** JSON Schema of the arguments; interpreted, never compiled to code. */
  parameters: z.record(z.string(), z.unknown()).default({ type: "object", properties: {} }),
  use: toolUseSchema,
  approval: toolApprovalSchema.optional(),
});
export type AgentTool = z.infer<typeof toolSchema>;

/** One model turn of the mock provider's script: tool calls to make, or the final answer (a template). */
export const mockTurnSchema = z.union([
  z.strictObject({
    /** `args`: a JSON value, or a string sent as is (a script may send malformed arguments). */
    toolCalls: z
      .array(z.strictObject({ name: z.string().max(200), args: z.unknown() }))
      .min(1)
      .max(16),
  }),
  z.strictObject({ response: z.string().max(100_000) }),
]);
export type MockTurn = z.infer<typeof mockTurnSchema>;

export const agentDataSchema = z
  .strictObject({
    label: z.string().min(1, "a label is required"),
    /** `mock` answers with `response` after `latencyMs`; `openai` is any OpenAI-compatible chat API. */
    provider: z.enum(["mock", "openai"]).default("mock"),
    /** openai: e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (Ollama). */
    baseUrl: z.string().default(""),
    /** openai: the model name the API expects. */
    model: z.string().default(""),
    /** openai: the workspace credential holding the API key (optional for local servers). */
    credentialId: z.string().optional(),
    /** json: an optional JSON Schema the answer must match. */
    jsonSchema: z.record(z.string(), z.unknown()).optional(),
    system: z.string().max(100_000).default(""),
    /** Template: may embed {{ expression }}. */
    prompt: z.string().max(100_000).default(""),
    responseFormat: z.enum(["text", "json"]).default("text"),
    /** mock: the answer, a template. */
    response: z.string().max(100_000).default(""),
    /** mock: how long the answer takes. */
    latencyMs: z.number().int().min(0).max(600_000).default(0),
    /** mock: fail this many first attempts, to demonstrate retries. */
    failTimes: z.number().int().min(0).max(100).default(0),
    /** mock: one entry per model turn; past its end the model answers `response`. */
    script: z.array(mockTurnSchema).max(50).optional(),
    /** Tools the model may call; it answers when it calls none. */
    tools: z.array(toolSchema).max(32).default([]),
    /** Model turns at most (each may call tools); reaching it fails the step. */
    maxSteps: z.number().int().min(1).max(100).default(8),
    /** Tool calls of one turn that run at once. */
    toolConcurrency: z.number().int().min(1).max(16).default(4),
    /** Reuse the answer to an identical request within `ttlMs`. */
    cache: cacheSchema.optional(),
    ...stepSettingsShape,
  })
  .superRefine((d, ctx) => {
    const names = new Set<string>();
    d.tools.forEach((tool, i) => {
      if (names.has(tool.name))
        ctx.addIssue({ code: "custom", path: ["tools", i, "name"], message: `two tools are named ${tool.name}` });
      names.add(tool.name);
    });
    if (d.provider !== "openai") return;
    if (!/^https?:\/\/.+/.test(d.baseUrl))
      ctx.addIssue({
        code: "custom",
        path: ["baseUrl"],
        message: "an OpenAI-compatible agent needs a base URL (http or https)",
      });
    if (d.model.trim() === "")
      ctx.addIssue({ code: "custom", path: ["model"], message: "an OpenAI-compatible agent needs a model name" });
  });
export type AgentData = z.infer<typeof agentDataSchema>;

export const agentKind: NodeKind<"agent", AgentData> = {
  type: "agent",
  title: "Agent",
  description: "Asks an LLM (or the built-in mock) and passes its answer on.",
  effects: "outside",
  inputs: ["in"],
  outputs: workStepOutputs,
  dataSchema: agentDataSchema,
  defaultData: () => agentDataSchema.parse({ label: "Agent", prompt: "{{ prev }}", response: "Done: {{ prev }}" }),
};
