import { z } from "zod";
import type { OutputHandle } from "./kind";

/** Settings every work step shares (flow-format.md, "Common step settings"). */
export const retrySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).default(1),
  initialDelayMs: z.number().int().min(0).max(86_400_000).default(1_000),
  multiplier: z.number().min(1).max(10).default(2),
  maxDelayMs: z.number().int().min(0).max(86_400_000).default(60_000),
  /** Spread each delay randomly over [delay/2, delay] so retries of many runs do not align. */
  jitter: z.boolean().default(true),
});
export type RetrySettings = z.infer<typeof retrySchema>;

/**
 * Agent and HTTP steps: reuse the answer to an identical rendered request for `ttlMs`
 * (flow-format.md, "Caching"), in the workspace.
 */
export const cacheSchema = z.strictObject({
  ttlMs: z
    .number()
    .int()
    .min(1_000)
    .max(30 * 86_400_000),
});

/**
 * Circuit breaker (flow-format.md, "Additions"): after `failures` failed attempts within
 * `windowMs`, attempts fail at once (error code `circuit_open`) for `openMs`, then one probe is
 * let through. `key` defaults to the host the step calls; the state is the workspace's, shared
 * by every run and process.
 */
export const breakerSchema = z.strictObject({
  key: z.string().trim().min(1).max(200).optional(),
  failures: z.number().int().min(1).max(10_000),
  windowMs: z.number().int().min(1_000).max(86_400_000),
  openMs: z.number().int().min(1_000).max(86_400_000),
});
export type BreakerSettings = z.infer<typeof breakerSchema>;

/**
 * Rate limit: at most `perSecond` (or `perMinute`) attempts start per `key` in the workspace,
 * across runs and processes, with bursts of up to `burst`; an attempt over the limit waits on a
 * durable timer (throttled).
 */
export const rateLimitSchema = z
  .strictObject({
    key: z.string().trim().min(1, "name the limit: steps with one key share it").max(200),
    perSecond: z.number().positive().max(100_000).optional(),
    perMinute: z.number().positive().max(6_000_000).optional(),
    burst: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((r) => (r.perSecond === undefined) !== (r.perMinute === undefined), {
    message: "give perSecond or perMinute (one of them)",
  });
export type RateLimitSettings = z.infer<typeof rateLimitSchema>;

/** Tokens a second, and the bucket's size (default: one second's worth, at least 1). */
export function rateOf(limit: RateLimitSettings): { ratePerSecond: number; burst: number } {
  const ratePerSecond = limit.perSecond ?? limit.perMinute! / 60;
  return { ratePerSecond, burst: limit.burst ?? Math.max(1, Math.floor(ratePerSecond)) };
}

export const stepSettingsShape = {
  /** Abort an attempt that runs longer than this. */
  timeoutMs: z.number().int().min(1).max(86_400_000).optional(),
  retry: retrySchema.optional(),
  /** fail: the run fails · continue: output null, follow `out` · route: follow `error`. */
  onError: z.enum(["fail", "continue", "route"]).default("fail"),
  breaker: breakerSchema.optional(),
  rateLimit: rateLimitSchema.optional(),
};

export interface StepSettings {
  timeoutMs?: number;
  retry?: RetrySettings;
  onError: "fail" | "continue" | "route";
  breaker?: BreakerSettings;
  rateLimit?: RateLimitSettings;
}

/** Reads the common settings from any node's data; kinds without them get the defaults. */
const stepSettingsSchema = z.object(stepSettingsShape);
/** The engine asks for a node's settings at every step; a run's snapshot never changes. */
const parsedSettings = new WeakMap<object, StepSettings>();

export function stepSettings(data: Record<string, unknown>): StepSettings {
  const known = parsedSettings.get(data);
  if (known) return known;
  const parsed = stepSettingsSchema.safeParse(data);
  const settings: StepSettings = parsed.success ? parsed.data : { onError: "fail" };
  parsedSettings.set(data, settings);
  return settings;
}

/**
 * A work step's outputs: `out`, and `error`, which a failure follows with `onError: route`
 * (flow-format.md, "Common step settings"). `data` may be an editor draft.
 */
export function workStepOutputs(data: unknown): readonly OutputHandle[] {
  const routes = typeof data === "object" && data !== null && (data as { onError?: unknown }).onError === "route";
  return [
    { id: "out", label: "out" },
    {
      id: "error",
      label: "on error",
      error: true,
      ...(!routes && { idle: "followed only when a failure is set to follow the error output (onError: route)" }),
    },
    { id: "compensate", label: "undo", compensation: true },
  ];
}
