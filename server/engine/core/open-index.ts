import type { EngineEvent } from "../../../lib/run/events";
import { type NodeRunState, nodeKey, pathOf, type RunState } from "../../../lib/run/state";

/** Statuses a planning pass looks at (failed: retries and run failure); the rest are done. */
const open = new Set(["running", "retrying", "waiting", "failed"]);
/** Keys an object orders before its other keys (array indices), whatever their insertion order. */
const indexLike = (key: string) => /^(0|[1-9]\d{0,8})$/.test(key);

/**
 * The open node instances of a run state, in the node map's order: most instances of a long
 * run are done, and scanning them all several times per event made loops quadratic. Kept up
 * to date with each decision folded in (`folded`); rebuilt from the map when it cannot be.
 */
export class OpenInstances {
  /** Keys of open instances, in the node map's order. Undefined: rebuild. */
  private keys: string[] | undefined;
  /** list() until the next decision. */
  private listed: NodeRunState[] | undefined;

  /** Call before `event` is folded into `state`: whether the event adds a key to the map. */
  adds(state: RunState, event: EngineEvent): string | undefined {
    const key = "nodeId" in event ? nodeKey(event.nodeId, pathOf(event)) : undefined;
    return key !== undefined && !(key in state.nodes) ? key : undefined;
  }

  /** `event` was folded into `state`; `added` is what adds() said before. */
  folded(state: RunState, event: EngineEvent, added: string | undefined) {
    const key = "nodeId" in event ? nodeKey(event.nodeId, pathOf(event)) : undefined;
    this.listed = undefined;
    const status = key === undefined ? undefined : state.nodes[key]?.status;
    if (key === undefined || !this.keys || status === undefined || !open.has(status)) return;
    if (this.keys.includes(key)) return;
    // A new key goes last in the map's order; anything else needs the order rebuilt.
    if (added === key && !indexLike(key)) this.keys.push(key);
    else this.keys = undefined;
  }

  /** Open instances, as they are in `state` now. */
  list(state: RunState): NodeRunState[] {
    if (this.listed) return this.listed;
    const nodes = state.nodes;
    this.keys ??= Object.keys(nodes).filter((key) => open.has(nodes[key]!.status));
    const result: NodeRunState[] = [];
    for (const key of this.keys) if (open.has(nodes[key]!.status)) result.push(nodes[key]!);
    this.listed = result;
    return result;
  }
}
