"use client";
import { createContext, type ReactNode, useContext, useState } from "react";
import { useStore } from "zustand";
import type { FlowDocument } from "@/lib/flow/document";
import { createEditorStore, type EditorState, type EditorStore } from "./editor-store";

const EditorStoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider(props: {
  flow: { id: string; version: number; document: FlowDocument };
  children: ReactNode;
}) {
  const [store] = useState(() => createEditorStore(props.flow));
  return <EditorStoreContext.Provider value={store}>{props.children}</EditorStoreContext.Provider>;
}

export function useEditorStoreApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error("useEditor must be used inside <EditorStoreProvider>");
  return store;
}

/** Narrow selectors keep a drag from re-rendering everything that reads the store. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStoreApi(), selector);
}
