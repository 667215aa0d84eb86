"use client";
import { createContext, type ReactNode, useContext, useMemo } from "react";
import type { FlowProblem } from "@/lib/flow/problems";

const NodeProblemsContext = createContext<Map<string, FlowProblem[]>>(new Map());

/** Problems of the flow by node id, for the badge on each card. */
export function NodeProblemsProvider({ problems, children }: { problems: FlowProblem[]; children: ReactNode }) {
  const byNode = useMemo(() => {
    const map = new Map<string, FlowProblem[]>();
    for (const p of problems) if (p.nodeId) map.set(p.nodeId, [...(map.get(p.nodeId) ?? []), p]);
    return map;
  }, [problems]);
  return <NodeProblemsContext.Provider value={byNode}>{children}</NodeProblemsContext.Provider>;
}

export function useNodeProblems(nodeId: string): FlowProblem[] {
  return useContext(NodeProblemsContext).get(nodeId) ?? [];
}
