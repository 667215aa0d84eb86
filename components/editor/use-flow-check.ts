"use client";
import { useMemo } from "react";
import { checkFlow, type FlowCheck } from "@/lib/flow/check";
import { useEditor, useEditorStoreApi } from "./editor-context";

/** The same checks the server runs, on the canvas as it is now. */
export function useFlowCheck(): FlowCheck {
  const store = useEditorStoreApi();
  const nodes = useEditor((s) => s.nodes);
  const edges = useEditor((s) => s.edges);
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-check when the graph changes
  return useMemo(() => checkFlow(store.getState().document()), [store, nodes, edges]);
}
