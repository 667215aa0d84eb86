import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange, type XYPosition } from "@xyflow/react";
import { createStore } from "zustand/vanilla";
import { type Connection, connectionProblem, newEdgeId } from "@/lib/flow/connect";
import type { FlowDocument } from "@/lib/flow/document";
import { type NodeType, nodeKind, outputHandleIds } from "@/lib/flow/kinds";
import {
  type CanvasEdge,
  type CanvasNode,
  canvasToDocument,
  documentToCanvas,
  parentsFirst,
} from "../canvas/canvas-document";

export type SaveState = "saved" | "unsaved" | "saving" | "error";

interface Snapshot {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

export interface EditorState {
  flowId: string;
  /** The version this editor last loaded or saved; a save must match the server's. */
  version: number;
  name: string;
  description: string;
  /** The flow settings (maxDurationMs, onFailure). */
  settings?: FlowDocument["settings"];
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  saveState: SaveState;
  saveError?: string;
  /** The last save was refused because someone saved a newer version: the user must choose. */
  conflict: boolean;
  /** Undo history: graph snapshots before each edit (selection and measuring are not edits). */
  past: Snapshot[];
  future: Snapshot[];
  onNodesChange(changes: NodeChange<CanvasNode>[]): void;
  onEdgesChange(changes: EdgeChange<CanvasEdge>[]): void;
  /** Adds the edge, or returns why it may not be drawn. */
  connect(connection: Connection): string | null;
  /** Adds a node; with `parentId`, inside that loop (position relative to it). */
  addNode(type: NodeType, position: XYPosition, parentId?: string): string;
  /**
   * Replaces a node's config. Edits with the same `coalesce` key within a second share one
   * undo step, so typing a prompt is one step, not one per key.
   */
  updateNodeData(id: string, data: Record<string, unknown>, coalesce?: string): void;
  /** Adds pasted nodes and edges (already given fresh ids) as one undo step, selected. */
  insert(nodes: FlowDocument["nodes"], edges: FlowDocument["edges"]): void;
  /**
   * Adds a node in the middle of an edge: source → new node → target, as one undo step.
   * Returns false (and changes nothing) when the kind cannot sit there.
   */
  insertOnEdge(edgeId: string, type: NodeType, position: XYPosition): boolean;
  /** Replaces the flow settings (saved with the draft). */
  setSettings(settings: FlowDocument["settings"]): void;
  /** Moves nodes to new positions (auto-layout), as one undo step. */
  arrange(positions: Map<string, XYPosition>): void;
  /** Replaces every node and edge with a document's (restoring a published version), as one undo step. */
  replaceGraph(document: FlowDocument): void;
  /**
   * Finishes a drag that carried nodes into a loop or out of one: each gets its new container
   * and a position relative to it, within the drag's undo step. Edges that would now cross a
   * loop's border are removed; returns how many.
   */
  reparent(moves: { id: string; parentId?: string; position: XYPosition }[]): number;
  /** Removes nodes and every edge touching them, as one undo step. */
  removeNodes(ids: string[]): void;
  select(id: string | null): void;
  undo(): void;
  redo(): void;
  document(): FlowDocument;
  setSaveState(state: SaveState, error?: string, conflict?: boolean): void;
  markSaved(version: number, savedDocument: FlowDocument): void;
}

const HISTORY_LIMIT = 200;

/** Changes that only React Flow cares about (measuring, selecting, dragging frames) are not edits. */
const editsDocument = (change: NodeChange | EdgeChange) =>
  change.type === "remove" ||
  change.type === "add" ||
  change.type === "replace" ||
  (change.type === "position" && !change.dragging);

/**
 * The items with `selected` set as `pick` says. An item whose selection stays the same keeps its
 * identity, so React Flow re-renders only the nodes (edges) whose selection changed.
 */
function withSelection<T extends { id: string; selected?: boolean }>(
  items: readonly T[],
  pick: (item: T) => boolean,
): T[] {
  return items.map((item) => {
    const selected = pick(item);
    return Boolean(item.selected) === selected ? item : { ...item, selected };
  });
}

/** A fresh, readable node id for a kind: agent_1, agent_2… (ids never change afterwards). */
export function nextNodeId(type: string, nodes: readonly { id: string }[]): string {
  const taken = new Set(nodes.map((n) => n.id));
  let n = 1;
  while (taken.has(`${type}_${n}`)) n++;
  return `${type}_${n}`;
}

/** One store per open canvas (never a module singleton): given to the tree by EditorStoreProvider. */
export function createEditorStore(flow: { id: string; version: number; document: FlowDocument }) {
  const { nodes, edges } = documentToCanvas(flow.document);
  let savedSnapshot = JSON.stringify(flow.document);
  let dragging = false;
  let lastEdit: { key: string; at: number } | undefined;
  return createStore<EditorState>()((set, get) => {
    const afterEdit = () => {
      const changed = JSON.stringify(get().document()) !== savedSnapshot;
      set({ saveState: changed ? "unsaved" : "saved" });
    };
    /**
     * Remembers the graph as it is now, before an edit. Changes arriving in the same tick
     * (React Flow deletes a node and its edges in two calls) are one undo step.
     */
    let sameTick = false;
    const remember = () => {
      if (sameTick) return;
      sameTick = true;
      queueMicrotask(() => {
        sameTick = false;
      });
      set((s) => ({ past: [...s.past, { nodes: s.nodes, edges: s.edges }].slice(-HISTORY_LIMIT), future: [] }));
    };
    const restore = (snapshot: Snapshot) => {
      // Keep what is selected now, so undo does not jump the selection around.
      const selected = new Set(
        get()
          .nodes.filter((n) => n.selected)
          .map((n) => n.id),
      );
      set({ nodes: withSelection(snapshot.nodes, (n) => selected.has(n.id)), edges: snapshot.edges });
      afterEdit();
    };

    return {
      flowId: flow.id,
      version: flow.version,
      name: flow.document.name,
      description: flow.document.description,
      settings: flow.document.settings,
      setSettings(settings) {
        set({ settings });
        afterEdit();
      },
      nodes,
      edges,
      saveState: "saved",
      conflict: false,
      past: [],
      future: [],
      onNodesChange(changes) {
        const dragStart = changes.some((c) => c.type === "position" && c.dragging) && !dragging;
        const edit = changes.some(editsDocument);
        if (dragStart || (edit && !dragging)) remember();
        dragging = changes.some((c) => c.type === "position")
          ? changes.some((c) => c.type === "position" && c.dragging)
          : dragging;
        set({ nodes: applyNodeChanges(changes, get().nodes) });
        if (edit) afterEdit();
      },
      onEdgesChange(changes) {
        const edit = changes.some(editsDocument);
        if (edit) remember();
        set({ edges: applyEdgeChanges(changes, get().edges) });
        if (edit) afterEdit();
      },
      connect(connection) {
        const doc = get().document();
        const problem = connectionProblem(doc, connection);
        if (problem) return problem;
        remember();
        set({ edges: [...get().edges, { id: newEdgeId(doc, connection), ...connection }] });
        afterEdit();
        return null;
      },
      addNode(type, position, parentId) {
        remember();
        const id = nextNodeId(type, get().nodes);
        const data = nodeKind(type).defaultData() as Record<string, unknown>;
        const node: CanvasNode = { id, type, position, data, selected: true, ...(parentId && { parentId }) };
        set({ nodes: [...withSelection(get().nodes, () => false), node] });
        afterEdit();
        return id;
      },
      updateNodeData(id, data, coalesce) {
        const now = Date.now();
        const key = coalesce && `${id}:${coalesce}`;
        if (!key || lastEdit?.key !== key || now - lastEdit.at > 1_000) remember();
        lastEdit = key ? { key, at: now } : undefined;
        set({ nodes: get().nodes.map((n) => (n.id === id ? { ...n, data } : n)) });
        afterEdit();
      },
      insert(nodes, edges) {
        if (nodes.length === 0) return;
        remember();
        const added = documentToCanvas({ ...flow.document, nodes, edges });
        set({
          nodes: [...withSelection(get().nodes, () => false), ...added.nodes.map((n) => ({ ...n, selected: true }))],
          edges: [...get().edges, ...added.edges],
        });
        afterEdit();
      },
      insertOnEdge(edgeId, type, position) {
        const edge = get().edges.find((e) => e.id === edgeId);
        const kind = nodeKind(type);
        const outputs = outputHandleIds(kind, kind.defaultData());
        if (!edge || !kind.inputs.includes("in") || !outputs.includes("out")) return false;
        const parentId = get().nodes.find((n) => n.id === edge.source)?.parentId;
        remember();
        const id = nextNodeId(type, get().nodes);
        const data = kind.defaultData() as Record<string, unknown>;
        const node: CanvasNode = { id, type, position, data, selected: true, ...(parentId && { parentId }) };
        const inbound = {
          source: edge.source,
          sourceHandle: edge.sourceHandle ?? "out",
          target: id,
          targetHandle: "in",
        };
        const outbound = {
          source: id,
          sourceHandle: "out",
          target: edge.target,
          targetHandle: edge.targetHandle ?? "in",
        };
        const rest = get().edges.filter((e) => e.id !== edgeId);
        const taken = (list: { id: string }[]) => ({ edges: list }) as Pick<FlowDocument, "edges">;
        const first = { id: newEdgeId(taken(rest), inbound), ...inbound };
        const second = { id: newEdgeId(taken([...rest, first]), outbound), ...outbound };
        set({ nodes: [...withSelection(get().nodes, () => false), node], edges: [...rest, first, second] });
        afterEdit();
        return true;
      },
      replaceGraph(document) {
        remember();
        const canvas = documentToCanvas(document);
        set({ nodes: canvas.nodes, edges: canvas.edges });
        afterEdit();
      },
      arrange(positions) {
        remember();
        set({ nodes: get().nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })) });
        afterEdit();
      },
      reparent(moves) {
        if (moves.length === 0) return 0;
        const byId = new Map(moves.map((m) => [m.id, m]));
        const nodes = parentsFirst(
          get().nodes.map((n) => {
            const move = byId.get(n.id);
            if (!move) return n;
            const { parentId: _old, ...rest } = n;
            return { ...rest, position: move.position, ...(move.parentId && { parentId: move.parentId }) };
          }),
        );
        const parentOf = new Map(nodes.map((n) => [n.id, n.parentId]));
        const edges = get().edges.filter((e) => parentOf.get(e.source) === parentOf.get(e.target));
        const removed = get().edges.length - edges.length;
        set({ nodes, edges });
        afterEdit();
        return removed;
      },
      removeNodes(ids) {
        const gone = new Set(ids);
        remember();
        set({
          nodes: get().nodes.filter((n) => !gone.has(n.id)),
          edges: get().edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)),
        });
        afterEdit();
      },
      select(id) {
        set({
          nodes: withSelection(get().nodes, (n) => n.id === id),
          edges: withSelection(get().edges, () => false),
        });
      },
      undo() {
        const previous = get().past.at(-1);
        if (!previous) return;
        set((s) => ({ past: s.past.slice(0, -1), future: [{ nodes: s.nodes, edges: s.edges }, ...s.future] }));
        restore(previous);
      },
      redo() {
        const next = get().future[0];
        if (!next) return;
        set((s) => ({ future: s.future.slice(1), past: [...s.past, { nodes: s.nodes, edges: s.edges }] }));
        restore(next);
      },
      document: () => canvasToDocument(get(), get().nodes, get().edges),
      setSaveState: (saveState, saveError, conflict = false) => set({ saveState, saveError, conflict }),
      markSaved(version, savedDocument) {
        savedSnapshot = JSON.stringify(savedDocument);
        set({ version, saveError: undefined, conflict: false });
        afterEdit(); // edits made while the save was in flight stay unsaved
      },
    };
  });
}

export type EditorStore = ReturnType<typeof createEditorStore>;
