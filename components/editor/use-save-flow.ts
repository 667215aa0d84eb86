"use client";
import { useMutation } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { useCallback, useEffect, useRef } from "react";
import { useTRPC } from "../trpc";
import { toast } from "../ui/toaster";
import { useEditorStoreApi } from "./editor-context";

/** Saves the canvas through tRPC with the version it was loaded at; returns false if refused. */
export function useSaveFlow() {
  const trpc = useTRPC();
  const store = useEditorStoreApi();
  const mutation = useMutation(trpc.flows.save.mutationOptions());
  return useCallback(async (): Promise<boolean> => {
    const { flowId, version, saveState, conflict } = store.getState();
    if (saveState === "saved") return true;
    if (saveState === "saving" || conflict) return false;
    const document = store.getState().document();
    store.getState().setSaveState("saving");
    try {
      const saved = await mutation.mutateAsync({ id: flowId, expectedVersion: version, document });
      store.getState().markSaved(saved.version, document);
      const warnings = saved.problems.length;
      if (warnings > 0) toast(`Saved, with ${warnings} problem${warnings === 1 ? "" : "s"} to fix before running`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : "Could not save";
      const conflict = error instanceof TRPCClientError && error.data?.code === "CONFLICT";
      store.getState().setSaveState("error", message, conflict);
      return false;
    }
  }, [mutation, store]);
}

const AUTOSAVE_AFTER_MS = 1_200;

/** Saves by itself a moment after the last edit, and when the tab is hidden or left. */
export function useAutosave(save: () => Promise<boolean>) {
  const store = useEditorStoreApi();
  // `save` changes identity with every render; the timer must survive renders.
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const save = () => saveRef.current();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.nodes === previous.nodes && state.edges === previous.edges && state.saveState === previous.saveState)
        return;
      clearTimeout(timer);
      if (state.saveState === "unsaved" && !state.conflict) timer = setTimeout(() => void save(), AUTOSAVE_AFTER_MS);
    });
    const onHide = () => {
      if (document.visibilityState === "hidden" && store.getState().saveState === "unsaved") void save();
    };
    document.addEventListener("visibilitychange", onHide);
    return () => {
      clearTimeout(timer);
      unsubscribe();
      document.removeEventListener("visibilitychange", onHide);
    };
  }, [store]);
}
