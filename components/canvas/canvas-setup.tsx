"use client";
import { Background, BackgroundVariant, Controls } from "@xyflow/react";

/*
 * What the editor's canvas and the run view's share. React Flow copies these props into its
 * store whenever their identity changes, and every edge reads `defaultEdgeOptions` from there:
 * written inline, each render (every drag frame) would re-render all the edges. Module
 * constants keep them the same object.
 */
export const PRO_OPTIONS = { hideAttribution: true };
export const DEFAULT_EDGE_OPTIONS = { type: "smoothstep" };
/** Far enough out that Fit View shows the whole of a large flow (React Flow's default is 0.5). */
export const MIN_ZOOM = 0.05;
/**
 * From this many nodes on, React Flow mounts only the nodes and edges in view: each mounted one
 * subscribes to its store and is looked at on every drag frame.
 */
export const LARGE_FLOW = 100;

/** A canvas to look at, not to edit (a run's snapshot, a published version). */
export const READ_ONLY = {
  nodesDraggable: false,
  nodesConnectable: false,
  edgesFocusable: false,
  deleteKeyCode: null,
  fitView: true,
  minZoom: MIN_ZOOM,
  proOptions: PRO_OPTIONS,
  defaultEdgeOptions: DEFAULT_EDGE_OPTIONS,
} as const;

/** The dotted paper and the zoom controls under every canvas. */
export function CanvasBackdrop() {
  return (
    <>
      <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
      <Controls showInteractive={false} />
    </>
  );
}
