"use client";
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection as RFConnection,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useCallback } from "react";
import { connectionProblem } from "@/lib/flow/connect";
import { isNodeType } from "@/lib/flow/kinds";
import { toast } from "../ui/toaster";
import { useEditor, useEditorStoreApi } from "./editor-context";
import { nodeTypes } from "./nodes";
import { KIND_MIME } from "./palette";

const asConnection = (
  c: RFConnection | { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null },
) => ({
  source: c.source,
  target: c.target,
  sourceHandle: c.sourceHandle ?? "",
  targetHandle: c.targetHandle ?? "",
});

export function FlowCanvas() {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const onNodesChange = useEditor((s) => s.onNodesChange);
  const onEdgesChange = useEditor((s) => s.onEdgesChange);

  const onConnect = useCallback(
    (connection: RFConnection) => {
      const problem = store.getState().connect(asConnection(connection));
      if (problem) toast(`Cannot connect: ${problem}`, "error");
    },
    [store],
  );
  const isValidConnection = useCallback(
    (c: Parameters<typeof asConnection>[0]) => connectionProblem(store.getState().document(), asConnection(c)) === null,
    [store],
  );

  const { screenToFlowPosition, getInternalNode } = useReactFlow();
  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(KIND_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(KIND_MIME);
      if (!isNodeType(type)) return;
      event.preventDefault();
      // Centre the card (240 × ~70) under the pointer.
      const at = screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const corner = { x: Math.round(at.x - 120), y: Math.round(at.y - 35) };
      // Dropped on a loop: the node joins its body (start and end never go inside a loop).
      const loop = ["start", "end"].includes(type)
        ? undefined
        : store
            .getState()
            .nodes.filter((n) => n.type === "loop")
            .map((n) => getInternalNode(n.id))
            .reverse()
            .find((n) => {
              const p = n?.internals.positionAbsolute;
              return (
                p &&
                n.measured.width &&
                n.measured.height &&
                at.x >= p.x &&
                at.x <= p.x + n.measured.width &&
                at.y >= p.y &&
                at.y <= p.y + n.measured.height
              );
            });
      // Dropped on an edge: the node goes in between its two ends.
      const edgeId = document
        .elementsFromPoint(event.clientX, event.clientY)
        .map((el) => el.closest(".react-flow__edge")?.getAttribute("data-id"))
        .find((id): id is string => Boolean(id));
      if (!loop && edgeId && store.getState().insertOnEdge(edgeId, type, corner)) return;
      if (loop) {
        const origin = loop.internals.positionAbsolute;
        store.getState().addNode(type, { x: corner.x - origin.x, y: corner.y - origin.y }, loop.id);
      } else {
        store.getState().addNode(type, corner);
      }
    },
    [screenToFlowPosition, getInternalNode, store],
  );

  return (
    <ReactFlow
      onDragOver={onDragOver}
      onDrop={onDrop}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      isValidConnection={isValidConnection}
      deleteKeyCode={["Backspace", "Delete"]}
      fitView
      fitViewOptions={{ padding: 0.4, maxZoom: 1.2 }}
      proOptions={{ hideAttribution: true }}
      defaultEdgeOptions={{ type: "smoothstep" }}
    >
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable className="!rounded-lg !border !border-slate-200" />
    </ReactFlow>
  );
}
