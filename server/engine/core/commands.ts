import type { EngineEvent } from "../../../lib/run/events";

/** Effects the runtime carries out after the events that decided them are committed. */
export type Command =
  | {
      type: "execute";
      nodeId: string;
      /** Enclosing loop iterations ([] outside loops); `iteration` is the innermost. */
      path: number[];
      iteration: number;
      attempt: number;
      /** `runId:nodeId:iteration:attempt`, passed to outside calls so a repeat is recognised. */
      idempotencyKey: string;
    }
  /** Arm a durable timer; when it falls due the runtime feeds `event` back in (once). */
  | { type: "schedule"; key: string; dueAt: string; event: EngineEvent }
  /** Stop attempts in flight: their outcome no longer matters. */
  | { type: "abort"; nodeIds: string[] }
  /** Evaluate a repeat loop's `until` after iteration `index`; feed back `loop.until`. */
  | { type: "evaluate-until"; nodeId: string; path: number[]; index: number };

/** `runId:nodeId:iteration:attempt`; inside nested loops the iteration is the path, e.g. 2.0. */
export function idempotencyKey(runId: string, nodeId: string, path: readonly number[], attempt: number): string {
  return `${runId}:${nodeId}:${path.length === 0 ? 0 : path.join(".")}:${attempt}`;
}
