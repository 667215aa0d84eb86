import type { EngineEvent } from "../../../lib/run/events";

/** Effects the runtime carries out after the events that decided them are committed. */
export type Command =
  | {
      type: "execute";
      nodeId: string;
      iteration: number;
      attempt: number;
      /** `runId:nodeId:iteration:attempt`, passed to outside calls so a repeat is recognised. */
      idempotencyKey: string;
    }
  /** Arm a durable timer; when it falls due the runtime feeds `event` back in (once). */
  | { type: "schedule"; key: string; dueAt: string; event: EngineEvent }
  /** Stop attempts in flight: their outcome no longer matters. */
  | { type: "abort"; nodeIds: string[] };

export function idempotencyKey(runId: string, nodeId: string, iteration: number, attempt: number): string {
  return `${runId}:${nodeId}:${iteration}:${attempt}`;
}
