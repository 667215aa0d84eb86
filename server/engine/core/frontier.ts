import type { FlowNode } from "../../../lib/flow/document";
import { parallelDataSchema } from "../../../lib/flow/kinds/parallel";
import { parseNodeData } from "../../../lib/flow/kinds/parsed";
import type { EngineEvent } from "../../../lib/run/events";
import type { FlowGraph } from "./graph";
import type { Scope } from "./loops";

/** Events after which a node's outbound edges are resolved, so the nodes they lead to may move. */
const FINISHING = new Set(["node.succeeded", "node.failed", "node.skipped", "node.cancelled"]);

/**
 * The pending nodes a planning pass has to look at. A pending node can start (or be skipped)
 * only once something on its inbound edges changed: a source finished, was skipped or was
 * cancelled, or its scope began (the run, a loop iteration). advance() knows the event that
 * changed the state, so its passes look only at the nodes that event and the pass's own
 * decisions touched, in the order a look at every node would take them. Without a frontier
 * (resume, retry-from: they start from a state, not an event) every node is looked at.
 * A step per node instead of a scan of the whole flow per step: a 50-step chain looked at
 * 2,600 nodes per run.
 */
export class Frontier {
  /** Touched node ids by scope ("loopId|path"). */
  private readonly touched = new Map<string, Set<string>>();

  private constructor(private readonly graph: FlowGraph) {}

  /**
   * A frontier for `graph`, or undefined when a node may wait on nodes other than its sources:
   * a parallel split with maxConcurrency holds its branches back until other branches settle.
   */
  static of(graph: FlowGraph): Frontier | undefined {
    graph.heldBranches ??= graph.document.nodes.some(
      (n) => n.type === "parallel" && parseNodeData(parallelDataSchema, n.data).data?.maxConcurrency !== undefined,
    );
    return graph.heldBranches ? undefined : new Frontier(graph);
  }

  /** Notes the nodes `event` may have made ready. */
  touch(event: EngineEvent): void {
    if (event.type === "run.started") {
      for (const node of this.graph.children.get("") ?? []) this.add(node, []);
    } else if (event.type === "loop.iteration") {
      const path = [...(event.path ?? []), event.data.index];
      for (const node of this.graph.children.get(event.nodeId) ?? []) this.add(node, path);
    } else if (FINISHING.has(event.type) && "nodeId" in event) {
      for (const edge of this.graph.outbound.get(event.nodeId) ?? []) {
        const target = this.graph.nodes.get(edge.target);
        if (target) this.add(target, event.path ?? []);
      }
    }
  }

  /** The touched node of `scope` that comes first in the flow after position `after` (-1: from the start), taken off the list. */
  next(scope: Scope, after: number): FlowNode | undefined {
    const ids = this.touched.get(scopeKey(scope.loopId, scope.path));
    if (!ids) return undefined;
    let best: FlowNode | undefined;
    for (const id of ids) {
      const position = this.position(id);
      if (position > after && (best === undefined || position < this.position(best.id)))
        best = this.graph.nodes.get(id);
    }
    if (best) ids.delete(best.id);
    return best;
  }

  /** Where `id` comes in the flow: the order a look at every node takes. */
  position(id: string): number {
    this.graph.positions ??= new Map(this.graph.document.nodes.map((n, i) => [n.id, i]));
    return this.graph.positions.get(id) ?? -1;
  }

  private add(node: FlowNode, path: readonly number[]) {
    const key = scopeKey(node.parentId ?? null, path);
    let ids = this.touched.get(key);
    if (!ids) {
      ids = new Set();
      this.touched.set(key, ids);
    }
    ids.add(node.id);
  }
}

const scopeKey = (loopId: string | null, path: readonly number[]) => `${loopId ?? ""}|${path.join(".")}`;
