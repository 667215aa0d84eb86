import { z } from "zod";
import type { NodeKind } from "./kind";
import { stepSettingsShape } from "./step-settings";

export const agentDataSchema = z.strictObject({
  label: z.string().min(1, "a label is required"),
  /** `mock` answers with `response` after `latencyMs`; real providers arrive additively. */
  provider: z.enum(["mock"]).default("mock"),
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
});
export type AgentData = z.infer<typeof agentDataSchema>;

export const agentKind: NodeKind<"agent", AgentData> = {
  type: "agent",
  title: "Agent",
  description: "Asks an LLM (or the built-in mock) and passes its answer on.",
  inputs: ["in"],
  outputs: ["out", "error"],
  dataSchema: agentDataSchema,
  defaultData: () => agentDataSchema.parse({ label: "Agent", prompt: "{{ prev }}", response: "Done: {{ prev }}" }),
};
