"use client";
import { ReactFlow } from "@xyflow/react";
import { useMemo, useRef } from "react";
import { edgePaint, type NodesById } from "@/lib/run/edges";
import { CanvasBackdrop, LARGE_FLOW, READ_ONLY } from "../../canvas/canvas-setup";
import { compensationLook, edgeLook } from "../../canvas/edge-looks";
import { nodeTypes } from "../../canvas/nodes";
import { useEditor, useEditorStoreApi } from "../../editor/editor-context";
import { useRun } from "../run-context";
import { shownPath } from "../run-store";

// A module constant, like the shared ones in canvas-setup.tsx: React Flow re-renders every edge when it changes identity.
const FIT_VIEW_OPTIONS = { padding: 0.3, maxZoom: 1.1 };

/**
 * The nodes' configs by id, for the edge rule (onError, retries). The same map until a config
 * changes: selecting or measuring a card must not repaint every edge.
 */
function useNodeConfigs(nodes: readonly { id: string; data: Record<string, unknown> }[]): NodesById {
  const last = useRef<Map<string, { data: Record<string, unknown> }>>(new Map());
  const known = last.current;
  if (nodes.length !== known.size || nodes.some((n) => known.get(n.id)?.data !== n.data)) {
    last.current = new Map(nodes.map((n) => [n.id, { data: n.data }]));
  }
  return last.current;
}

/**
 * The run's snapshot of the flow, read-only, painted with the run: node statuses on the cards,
 * edges taken, active (animated) or dead. Clicking a node opens it in the inspector.
 */
export function RunCanvas() {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const plainEdges = useEditor((s) => s.edges);
  const run = useRun((s) => s.run);
  const parents = useRun((s) => s.parents);
  const picked = useRun((s) => s.pickedIteration);
  const byId = useNodeConfigs(nodes);
  const edges = useMemo(
    () =>
      plainEdges.map((edge) => {
        const path = shownPath({ run, parents, pickedIteration: picked }, edge.source);
        const look = edgeLook(edgePaint(byId, run, edge, path));
        // A handler's entry edge is never taken forward: amber dashed until its handler runs.
        if (edge.sourceHandle === "compensate" && !run.compensation) return { ...edge, ...compensationLook };
        return { ...edge, ...look };
      }),
    [plainEdges, byId, run, parents, picked],
  );
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={(changes) => store.getState().onNodesChange(changes.filter((c) => c.type !== "position"))}
      onNodeClick={(_, node) => store.getState().select(node.id)}
      onPaneClick={() => store.getState().select(null)}
      {...READ_ONLY}
      fitViewOptions={FIT_VIEW_OPTIONS}
      onlyRenderVisibleElements={nodes.length >= LARGE_FLOW}
    >
      <CanvasBackdrop />
    </ReactFlow>
  );
}
