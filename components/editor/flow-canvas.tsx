"use client";
import { MiniMap, ReactFlow, type Connection as RFConnection, useReactFlow, type XYPosition } from "@xyflow/react";
import { type DragEvent, useCallback, useMemo } from "react";
import { connectionProblem } from "@/lib/flow/connect";
import { isNodeType } from "@/lib/flow/kinds";
import type { CanvasNode } from "../canvas/canvas-document";
import { CanvasBackdrop, DEFAULT_EDGE_OPTIONS, LARGE_FLOW, MIN_ZOOM, PRO_OPTIONS } from "../canvas/canvas-setup";
import { withCompensationLook } from "../canvas/edge-looks";
import { nodeTypes } from "../canvas/nodes";
import { toast } from "../ui/toaster";
import { useEditor, useEditorStoreApi } from "./editor-context";
import { KIND_MIME } from "./palette";

const asConnection = (
  c: RFConnection | { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null },
) => ({
  source: c.source,
  target: c.target,
  sourceHandle: c.sourceHandle ?? "",
  targetHandle: c.targetHandle ?? "",
});

/** Kinds that never go inside a loop. */
const OUTSIDE_ONLY = new Set(["start", "end"]);

// Module constants, like the shared ones in canvas-setup.tsx: React Flow re-renders every edge when these change identity.
const DELETE_KEYS = ["Backspace", "Delete"];
const FIT_VIEW_OPTIONS = { padding: 0.4, maxZoom: 1.2 };

export function FlowCanvas() {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const plainEdges = useEditor((s) => s.edges);
  const edges = useMemo(() => withCompensationLook(plainEdges), [plainEdges]);
  const large = nodes.length >= LARGE_FLOW;
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
  /** The innermost loop under a point of the canvas, skipping `exclude` (nodes being dragged). */
  const loopAt = useCallback(
    (at: XYPosition, exclude: ReadonlySet<string> = new Set()) =>
      store
        .getState()
        .nodes.filter((n) => n.type === "loop" && !exclude.has(n.id))
        .map((n) => getInternalNode(n.id))
        .reverse() // children come after their container: the innermost is found first
        .find((n) => {
          const p = n?.internals.positionAbsolute;
          const { width, height } = n?.measured ?? {};
          return p && width && height && at.x >= p.x && at.x <= p.x + width && at.y >= p.y && at.y <= p.y + height;
        }),
    [getInternalNode, store],
  );
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
      // Dropped on a loop: the node joins its body.
      const loop = OUTSIDE_ONLY.has(type) ? undefined : loopAt(at);
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
    [screenToFlowPosition, loopAt, store],
  );
  // Dragging nodes onto a loop puts them in its body; dragging them off a loop takes them out.
  const onNodeDragStop = useCallback(
    (_event: unknown, node: CanvasNode, dragged: CanvasNode[]) => {
      const ids = new Set(dragged.map((n) => n.id));
      const all = store.getState().nodes;
      // A dragged loop carries its body along: never drop a loop into itself or its own body.
      const carried = new Set(ids);
      let size = 0;
      while (size !== carried.size) {
        size = carried.size;
        for (const n of all) if (n.parentId && carried.has(n.parentId)) carried.add(n.id);
      }
      // Where the card the pointer holds now sits decides: its centre.
      const held = getInternalNode(node.id);
      if (!held) return;
      const centre = {
        x: held.internals.positionAbsolute.x + (held.measured.width ?? 0) / 2,
        y: held.internals.positionAbsolute.y + (held.measured.height ?? 0) / 2,
      };
      const target = loopAt(centre, carried);
      const origin = target?.internals.positionAbsolute ?? { x: 0, y: 0 };
      const moves = dragged
        .filter((n) => !(n.parentId && ids.has(n.parentId))) // moved with its container
        .filter((n) => n.parentId !== target?.id && !(target && OUTSIDE_ONLY.has(n.type ?? "")))
        .map((n) => {
          const p = getInternalNode(n.id)?.internals.positionAbsolute ?? n.position;
          return {
            id: n.id,
            parentId: target?.id,
            position: { x: Math.round(p.x - origin.x), y: Math.round(p.y - origin.y) },
          };
        });
      if (moves.length === 0) return;
      const removed = store.getState().reparent(moves);
      const where = target ? `into ${String(target.data.label ?? target.id)}` : "out of the loop";
      const what =
        moves.length === 1 ? String(all.find((n) => n.id === moves[0]!.id)?.data.label) : `${moves.length} nodes`;
      toast(
        removed > 0
          ? `Moved ${what} ${where}; removed ${removed} connection${removed === 1 ? "" : "s"} that crossed its border`
          : `Moved ${what} ${where}`,
      );
    },
    [getInternalNode, loopAt, store],
  );

  return (
    <ReactFlow
      onDragOver={onDragOver}
      onDrop={onDrop}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={onNodesChange}
      onNodeDragStop={onNodeDragStop}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      isValidConnection={isValidConnection}
      deleteKeyCode={DELETE_KEYS}
      fitView
      fitViewOptions={FIT_VIEW_OPTIONS}
      minZoom={MIN_ZOOM}
      onlyRenderVisibleElements={large}
      proOptions={PRO_OPTIONS}
      defaultEdgeOptions={DEFAULT_EDGE_OPTIONS}
    >
      <CanvasBackdrop />
      <MiniMap
        pannable
        zoomable
        nodeColor="#cbd5e1"
        nodeStrokeColor="#94a3b8"
        nodeBorderRadius={6}
        maskColor="rgba(241, 245, 249, 0.6)"
        className="!rounded-lg !border !border-slate-200"
      />
    </ReactFlow>
  );
}
