"use client";
import { useEffect, useMemo, useState } from "react";
import { checkFlow, type FlowCheck } from "@/lib/flow/check";
import type { FlowProblem } from "@/lib/flow/problems";
import { subflowProblems } from "@/lib/flow/subflow-checks";
import { useCallTargets } from "../canvas/call-targets";
import type { CanvasEdge, CanvasNode } from "../canvas/canvas-document";
import { useEditorStoreApi } from "./editor-context";

/** Re-checking waits for a pause in edits, so a drag does not validate the whole flow per frame. */
const RECHECK_AFTER_MS = 150;

/**
 * Whether two versions of the canvas are the same document: selecting, measuring and the frames
 * of a drag (sub-pixel positions) change the nodes and edges but nothing a check reads.
 */
export function sameDocument(
  a: { nodes: readonly CanvasNode[]; edges: readonly CanvasEdge[] },
  b: { nodes: readonly CanvasNode[]; edges: readonly CanvasEdge[] },
): boolean {
  if (a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const m = a.nodes[i]!;
    const n = b.nodes[i]!;
    if (m === n) continue;
    if (m.id !== n.id || m.type !== n.type || m.data !== n.data || m.parentId !== n.parentId) return false;
    if (Math.round(m.position.x) !== Math.round(n.position.x) || Math.round(m.position.y) !== Math.round(n.position.y))
      return false;
  }
  for (let i = 0; i < a.edges.length; i++) {
    const e = a.edges[i]!;
    const f = b.edges[i]!;
    if (e === f) continue;
    if (
      e.id !== f.id ||
      e.source !== f.source ||
      e.target !== f.target ||
      (e.sourceHandle ?? "") !== (f.sourceHandle ?? "") ||
      (e.targetHandle ?? "") !== (f.targetHandle ?? "")
    )
      return false;
  }
  return true;
}

const sameProblems = (a: FlowProblem[], b: FlowProblem[]) =>
  a === b || (a.length === b.length && JSON.stringify(a) === JSON.stringify(b));

/**
 * The same checks the server runs, on the canvas as it is now. Reads the store outside React,
 * so the component using it does not re-render on every change of the canvas (a drag frame),
 * only when a check has run; `problems` keeps its identity while the problems stay the same.
 */
export function useFlowCheck(): FlowCheck {
  const check = useDocumentCheck();
  const targets = useCallTargets();
  const store = useEditorStoreApi();
  // What only the workspace can tell (a called flow missing, a chain of calls back here), once its flows are known.
  return useMemo(() => {
    if (!targets || !check.ok) return check;
    const { flowId, document } = store.getState();
    const found = subflowProblems(flowId, document(), new Map(targets.map((t) => [t.id, t])));
    return found.length === 0 ? check : { ...check, problems: [...check.problems, ...found] };
  }, [check, targets, store]);
}

function useDocumentCheck(): FlowCheck {
  const store = useEditorStoreApi();
  const [first] = useState(() => {
    const { nodes, edges } = store.getState();
    return { nodes, edges, check: checkFlow(store.getState().document()) };
  });
  const [check, setCheck] = useState(first.check);
  useEffect(() => {
    let checked: { nodes: readonly CanvasNode[]; edges: readonly CanvasEdge[] } = first;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const recheck = () => {
      const { nodes, edges } = store.getState();
      const now = { nodes, edges };
      if (sameDocument(checked, now)) {
        checked = now;
        return;
      }
      checked = now;
      const next = checkFlow(store.getState().document());
      setCheck((previous) =>
        sameProblems(previous.problems, next.problems) ? { ...next, problems: previous.problems } : next,
      );
    };
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.nodes === previous.nodes && state.edges === previous.edges) return;
      clearTimeout(timer);
      timer = setTimeout(recheck, RECHECK_AFTER_MS);
    });
    // Edited between the first check and now (e.g. under a remounted component).
    if (store.getState().nodes !== checked.nodes || store.getState().edges !== checked.edges)
      timer = setTimeout(recheck, RECHECK_AFTER_MS);
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, first]);
  return check;
}
