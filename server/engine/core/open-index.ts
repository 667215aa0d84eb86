import { type NodeMapIndex, type NodeRunState, nodeKey, nodeMapIndex, type RunState } from "../../../lib/run/state";

/** Statuses of instances a planning pass still works on. */
const atWork = new Set(["running", "retrying", "waiting"]);

const pathKey = (path: readonly number[]) => path.join(".");

/** A few keys kept in the node map's order, cheaply: a key joins out of order only in odd cases. */
class KeysInOrder {
  private readonly keys = new Set<string>();
  private sorted = true;
  private highest = -1;

  constructor(private readonly rank: Map<string, number>) {}

  add(key: string) {
    if (this.keys.has(key)) return;
    const rank = this.rank.get(key)!;
    if (rank < this.highest) this.sorted = false;
    else this.highest = rank;
    this.keys.add(key);
  }

  delete(key: string) {
    this.keys.delete(key);
  }

  list(): string[] {
    if (!this.sorted) {
      const keys = [...this.keys].sort((a, b) => this.rank.get(a)! - this.rank.get(b)!);
      this.keys.clear();
      for (const key of keys) this.keys.add(key);
      this.sorted = true;
    }
    return [...this.keys];
  }
}

/**
 * What planning and expressions ask of a run's node instances without a pass over all of
 * them: a long run has many, nearly all done, and each step scanning them made big runs
 * quadratic. Built once per node map (one pass), then kept up to date by the fold with every
 * change a draft makes to the map (lib/run/state.ts, NodeMapIndex). Lists come in the node
 * map's order: the order keys were added (node ids never look like array indices).
 */
export class OpenIndex implements NodeMapIndex {
  /** Each key's place in the node map's order. */
  private readonly rank = new Map<string, number>();
  private added = 0;
  private readonly working = new KeysInOrder(this.rank);
  private readonly failed = new KeysInOrder(this.rank);
  /** Keys of the instances at each path ("" for the top level, "2.0" inside nested loops), in map order. */
  private readonly byPath = new Map<string, string[]>();
  /** Per loop instance: the iterations started and not finished, in ascending order. */
  private readonly iterations = new Map<string, Set<number>>();

  constructor(private readonly nodes: RunState["nodes"]) {
    for (const key of Object.keys(nodes)) this.changed(key, undefined, nodes[key]!);
  }

  changed(key: string, before: NodeRunState | undefined, after: NodeRunState): void {
    if (before === undefined) {
      this.rank.set(key, this.added++);
      const at = pathKey(after.path);
      const group = this.byPath.get(at);
      if (group) group.push(key);
      else this.byPath.set(at, [key]);
    }
    if (atWork.has(after.status)) this.working.add(key);
    else this.working.delete(key);
    // Any change to a failed instance is looked at again, even one a pass had settled.
    if (after.status === "failed") this.failed.add(key);
    else this.failed.delete(key);
    if (after.loop) this.trackIterations(key, before?.loop?.started ?? 0, after.loop);
  }

  private trackIterations(key: string, startedBefore: number, loop: NonNullable<NodeRunState["loop"]>) {
    let open = this.iterations.get(key);
    for (let i = startedBefore; i < loop.started; i++) {
      if (i in loop.outputs) continue;
      if (!open) {
        open = new Set();
        this.iterations.set(key, open);
      }
      open.add(i);
    }
    if (open) for (const i of open) if (i in loop.outputs) open.delete(i);
  }

  /** Running, retrying and waiting instances, in the node map's order. */
  atWork(): NodeRunState[] {
    return this.working.list().map((key) => this.nodes[key]!);
  }

  /** Failed instances that may still change something (see settled), in the node map's order. */
  failures(): NodeRunState[] {
    return this.failed.list().map((key) => this.nodes[key]!);
  }

  /**
   * A failed instance that can change nothing any more (no retry left, its error handled by
   * onError continue/route): planning passes need not look at it again. Most failures of a
   * long run with handled errors are such; looking at each at every step made it quadratic.
   */
  settled(n: NodeRunState) {
    this.failed.delete(nodeKey(n.nodeId, n.path));
  }

  /** Keys of the instances at exactly `path`, in the node map's order. */
  at(path: readonly number[]): readonly string[] {
    return this.byPath.get(pathKey(path)) ?? [];
  }

  /** The iterations of a loop instance started and not finished, in ascending order. */
  openIterations(loop: NodeRunState): Iterable<number> {
    return this.iterations.get(nodeKey(loop.nodeId, loop.path)) ?? [];
  }

  /** How many iterations of a loop instance have finished. */
  finishedIterations(loop: NodeRunState): number {
    return (loop.loop?.started ?? 0) - (this.iterations.get(nodeKey(loop.nodeId, loop.path))?.size ?? 0);
  }

  /** Instances sorted into the node map's order. */
  inMapOrder(instances: NodeRunState[]): NodeRunState[] {
    const rank = (n: NodeRunState) => this.rank.get(nodeKey(n.nodeId, n.path)) ?? Number.MAX_SAFE_INTEGER;
    return instances.sort((a, b) => rank(a) - rank(b));
  }
}

const build = (nodes: RunState["nodes"]) => new OpenIndex(nodes);

/** The index of `state`'s node map (kept with the map: built on first use, updated as it changes). */
export function openIndex(state: RunState): OpenIndex {
  return nodeMapIndex(state, build);
}
