import { z } from "zod";
import type { NodeKind } from "./kind";
import { stepSettingsShape, workStepOutputs } from "./step-settings";

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
    ...stepSettingsShape,
  })
  .superRefine((d, ctx) => {
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
