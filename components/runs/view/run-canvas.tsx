"use client";
import { Background, BackgroundVariant, Controls, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import { useEditor, useEditorStoreApi } from "../../editor/editor-context";
import { nodeTypes } from "../../editor/nodes";
import { useRun } from "../run-context";
import { shownPath } from "../run-store";
import { edgeLook, edgePaint } from "./edge-paint";

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
  const edges = useMemo(
    () =>
      plainEdges.map((edge) => {
        const path = shownPath({ run, parents, pickedIteration: picked }, edge.source);
        return { ...edge, ...edgeLook(edgePaint(run, edge, path)) };
      }),
    [plainEdges, run, parents, picked],
  );
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={(changes) => store.getState().onNodesChange(changes.filter((c) => c.type !== "position"))}
      onNodeClick={(_, node) => store.getState().select(node.id)}
      onPaneClick={() => store.getState().select(null)}
      nodesDraggable={false}
      nodesConnectable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
      fitView
      fitViewOptions={{ padding: 0.3, maxZoom: 1.1 }}
      proOptions={{ hideAttribution: true }}
      defaultEdgeOptions={{ type: "smoothstep" }}
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
