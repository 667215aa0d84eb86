import type { EngineEvent } from "../../../lib/run/events";
import { nodeRef } from "../../../lib/run/node-ref";
import type { Command } from "../core/commands";

/** How long streamed text gathers before it is recorded as one `node.progress` event. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Gathers an attempt's streamed text and hands it to `record` every PROGRESS_INTERVAL_MS, so
 * a model answering token by token costs a few events a second, not one per token. `describe`
 * records what the attempt sends out (after the text gathered so far).
 */
export function progressGatherer(command: Extract<Command, { type: "execute" }>, record: (event: EngineEvent) => void) {
  let pending = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const where = nodeRef(command.nodeId, command.path);
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending === "") return;
    record({ type: "node.progress", ...where, data: { attempt: command.attempt, text: pending } });
    pending = "";
  };
  const add = (text: string) => {
    pending += text;
    timer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
  };
  const describe = (input: unknown) => {
    flush();
    record({ type: "node.input", ...where, data: { attempt: command.attempt, input } });
  };
  return { add, describe, flush };
}
