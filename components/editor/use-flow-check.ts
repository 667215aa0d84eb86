"use client";
import { useEffect, useState } from "react";
import { checkFlow, type FlowCheck } from "@/lib/flow/check";
import { useEditor, useEditorStoreApi } from "./editor-context";

/** Re-checking waits for a pause in edits, so a drag does not validate the whole flow per frame. */
const RECHECK_AFTER_MS = 150;

/** The same checks the server runs, on the canvas as it is now. */
export function useFlowCheck(): FlowCheck {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  const [check, setCheck] = useState(() => checkFlow(store.getState().document()));
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check when the graph changes
  useEffect(() => {
    const timer = setTimeout(() => setCheck(checkFlow(store.getState().document())), RECHECK_AFTER_MS);
    return () => clearTimeout(timer);
  }, [store, nodes, edges]);
  return check;
}
