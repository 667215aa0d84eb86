import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from "@xyflow/react";
import { createStore } from "zustand/vanilla";
import { type Connection, connectionProblem, newEdgeId } from "@/lib/flow/connect";
import type { FlowDocument } from "@/lib/flow/document";
import { type CanvasEdge, type CanvasNode, canvasToDocument, documentToCanvas } from "./canvas-document";

export type SaveState = "saved" | "unsaved" | "saving" | "error";

export interface EditorState {
  flowId: string;
  /** The version this editor last loaded or saved; a save must match the server's. */
  version: number;
  name: string;
  description: string;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  saveState: SaveState;
  saveError?: string;
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  /** Adds the edge, or returns why it may not be drawn. */
  connect(connection: Connection): string | null;
  document(): FlowDocument;
  setSaveState(state: SaveState, error?: string): void;
  markSaved(version: number, savedDocument: FlowDocument): void;
}

/** Changes that only React Flow cares about (measuring, selecting) do not make a flow unsaved. */
const editsDocument = (change: NodeChange | EdgeChange) =>
  change.type === "remove" ||
  change.type === "add" ||
  change.type === "replace" ||
  (change.type === "position" && !change.dragging);

/** One store per open canvas (never a module singleton): given to the tree by EditorStoreProvider. */
export function createEditorStore(flow: { id: string; version: number; document: FlowDocument }) {
  const { nodes, edges } = documentToCanvas(flow.document);
  let savedSnapshot = JSON.stringify(flow.document);
  return createStore<EditorState>()((set, get) => {
    const afterEdit = () => {
      const changed = JSON.stringify(get().document()) !== savedSnapshot;
      set({ saveState: changed ? "unsaved" : "saved" });
    };
    return {
      flowId: flow.id,
      version: flow.version,
      name: flow.document.name,
      description: flow.document.description,
      nodes,
      edges,
      saveState: "saved",
      onNodesChange(changes) {
        set({ nodes: applyNodeChanges(changes, get().nodes) });
        if (changes.some(editsDocument)) afterEdit();
      },
      onEdgesChange(changes) {
        set({ edges: applyEdgeChanges(changes, get().edges) });
        if (changes.some(editsDocument)) afterEdit();
      },
      connect(connection) {
        const doc = get().document();
        const problem = connectionProblem(doc, connection);
        if (problem) return problem;
        set({ edges: [...get().edges, { id: newEdgeId(doc, connection), ...connection }] });
        afterEdit();
        return null;
      },
      document: () => canvasToDocument(get(), get().nodes, get().edges),
      setSaveState: (saveState, saveError) => set({ saveState, saveError }),
      markSaved(version, savedDocument) {
        savedSnapshot = JSON.stringify(savedDocument);
        set({ version, saveError: undefined });
        afterEdit(); // edits made while the save was in flight stay unsaved
      },
    };
  });
}

export type EditorStore = ReturnType<typeof createEditorStore>;
