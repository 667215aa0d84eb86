"use client";
import { Background, BackgroundVariant, Controls, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import { useEditor, useEditorStoreApi } from "../../editor/editor-context";
import { nodeTypes } from "../../editor/nodes";
import { useRun } from "../run-context";
import { shownPath } from "../run-store";
import { edgeLook, edgePaint } from "./edge-paint";

// Module constants: React Flow re-renders every edge when these change identity (see flow-canvas.tsx).
const FIT_VIEW_OPTIONS = { padding: 0.3, maxZoom: 1.1 };
const PRO_OPTIONS = { hideAttribution: true };
const DEFAULT_EDGE_OPTIONS = { type: "smoothstep" };

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
      fitViewOptions={FIT_VIEW_OPTIONS}
      minZoom={0.05}
      onlyRenderVisibleElements={nodes.length >= 100}
      proOptions={PRO_OPTIONS}
      defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
