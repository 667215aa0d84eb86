"use client";
import { createContext, type ReactNode, useContext, useLayoutEffect, useState, useSyncExternalStore } from "react";
import type { FlowProblem } from "@/lib/flow/problems";

const NONE: FlowProblem[] = [];

/**
 * The problems by node id, outside React: each card subscribes to its own node's list, so a new
 * check re-renders only the cards whose problems changed, not every card of a large flow.
 */
class NodeProblems {
  private byNode = new Map<string, FlowProblem[]>();
  private listeners = new Set<() => void>();

  constructor(problems: readonly FlowProblem[]) {
    this.byNode = NodeProblems.group(problems, this.byNode);
  }

  /** Groups by node, keeping the previous list of a node whose problems are the same. */
  private static group(problems: readonly FlowProblem[], previous: Map<string, FlowProblem[]>) {
    const map = new Map<string, FlowProblem[]>();
    for (const p of problems) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p]);
    for (const [id, list] of map) {
      const old = previous.get(id);
      if (old && old.length === list.length && JSON.stringify(old) === JSON.stringify(list)) map.set(id, old);
    }
    return map;
  }

  set(problems: readonly FlowProblem[]) {
    const next = NodeProblems.group(problems, this.byNode);
    const changed = next.size !== this.byNode.size || [...next].some(([id, list]) => this.byNode.get(id) !== list);
    this.byNode = next;
    if (changed) for (const listener of this.listeners) listener();
  }

  get = (nodeId: string): FlowProblem[] => this.byNode.get(nodeId) ?? NONE;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };
}

const NodeProblemsContext = createContext<NodeProblems>(new NodeProblems([]));

/** Problems of the flow by node id, for the badge on each card. */
export function NodeProblemsProvider({ problems, children }: { problems: FlowProblem[]; children: ReactNode }) {
  const [store] = useState(() => new NodeProblems(problems));
  // Before paint, so a badge never lags a frame behind the problems list.
  useLayoutEffect(() => store.set(problems), [store, problems]);
  return <NodeProblemsContext.Provider value={store}>{children}</NodeProblemsContext.Provider>;
}

/** This node's problems; the same array while they stay the same. */
export function useNodeProblems(nodeId: string): FlowProblem[] {
  const store = useContext(NodeProblemsContext);
  const get = () => store.get(nodeId);
  return useSyncExternalStore(store.subscribe, get, get);
}
