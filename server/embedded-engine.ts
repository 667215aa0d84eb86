import { randomBytes } from "node:crypto";
import { prismaCircuitBreakers } from "./db/circuit-breakers";
import type { Prisma } from "./db/client";
import { credentialReader } from "./db/credentials-repository";
import { flowsRepository } from "./db/flows-repository";
import { prismaRateLimits } from "./db/rate-limits";
import { prismaRunStore } from "./db/run-store";
import { prismaStepCache } from "./db/step-cache";
import { prismaTimerStore } from "./db/timer-store";
import { workspacesRepository } from "./db/workspaces-repository";
import { executors } from "./engine/runtime/executors";
import { inProcessBus, systemClock } from "./engine/runtime/in-process-bus";
import { addressPolicy } from "./engine/runtime/outbound/address-policy";
import { outboundRequest } from "./engine/runtime/outbound/http-client";
import type { AccessNotices, Clock, EventBus, RunStore, SubflowCalls } from "./engine/runtime/ports";
import { RunEngine } from "./engine/runtime/run-engine";
import { type ExpressionSandbox, sharedSandbox } from "./engine/runtime/sandbox/expression-sandbox";
import type { StepQueue } from "./engine/runtime/step-queue";
import { startFailureRun } from "./runs/failure-runs";
import { type ResumeTokens, resumeTokens } from "./runs/resume-tokens";
import { flowCalls } from "./runs/subflow-calls";
import { type SecretCipher, secretCipher } from "./secrets/cipher";

/** The engine on Prisma with the in-process bus: embedded mode's wiring, shared by the app, tests and benches. */
export function createEmbeddedEngine(
  prisma: Prisma,
  options: {
    bus?: EventBus & AccessNotices;
    clock?: Clock;
    onError?: (error: unknown, runId: string) => void;
    /** Opens stored credentials; without it (CLI, benches) no credential can be read. */
    cipher?: SecretCipher;
    /** Private hosts, IPs or CIDRs every flow may reach (OUTBOUND_ALLOW). */
    outboundAllow?: string[];
    /** Full JSONata evaluation; the process's shared sandbox unless given. */
    expressions?: ExpressionSandbox;
    /** Scale-out (scale-out-engine.ts): attempts go to workers, and other processes share the runs. */
    steps?: StepQueue;
    follow?: boolean;
    redispatchMs?: number;
    /** Signs wait nodes' resume URLs; every process of a deployment must get the same (config.ts). */
    resume?: ResumeTokens;
    /** Where sub-flow calls go; the workspace's flows unless given (the CLI: --flows DIR). */
    subflows?: (store: RunStore, engine: () => RunEngine) => SubflowCalls;
    /** Whether a failed run starts its flow's on-failure run (not where flows are files: the CLI). */
    failureRuns?: boolean;
  } = {},
) {
  const bus = options.bus ?? inProcessBus();
  const workspaces = workspacesRepository(prisma);
  const store = prismaRunStore(prisma);
  const resume = options.resume ?? resumeTokens(randomBytes(32), "http://localhost");
  const engine: RunEngine = new RunEngine({
    // Read per call, so a change in Settings → Network applies to the next request.
    http: async (request, workspaceId) => {
      const allow = [...(options.outboundAllow ?? []), ...(await workspaces.outboundAllow(workspaceId))];
      return outboundRequest(request, { policy: addressPolicy(allow) });
    },
    credential: credentialReader(prisma, options.cipher ?? secretCipher(randomBytes(32))),
    store,
    timers: prismaTimerStore(prisma),
    bus,
    clock: options.clock ?? systemClock,
    executors,
    expressions: options.expressions ?? sharedSandbox(),
    onError: options.onError,
    steps: options.steps,
    follow: options.follow,
    redispatchMs: options.redispatchMs,
    resumeUrl: (target) => resume.url(target),
    cache: prismaStepCache(prisma),
    ...(options.failureRuns !== false && {
      onRunEnded: async (run) => {
        await startFailureRun(
          {
            flowsOf: (workspaceId) => flowsRepository(prisma, workspaceId),
            engine,
            triggerOf: async (id) =>
              (await prisma.run.findUnique({ where: { id }, select: { trigger: true } }))?.trigger ?? null,
          },
          run,
        );
      },
    }),
    breakers: prismaCircuitBreakers(prisma),
    rateLimits: prismaRateLimits(prisma),
    subflows: (
      options.subflows ??
      ((s, e) => flowCalls({ store: s, engine: e, flows: (workspaceId) => flowsRepository(prisma, workspaceId) }))
    )(store, () => engine),
  });
  return { engine, bus, resume };
}
