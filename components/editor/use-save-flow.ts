"use client";
import { useMutation } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTRPC } from "../trpc";
import { toast } from "../ui/toaster";
import { useEditorStoreApi } from "./editor-context";

/** Saves the canvas through tRPC with the version it was loaded at; returns false if refused. */
export function useSaveFlow() {
  const trpc = useTRPC();
  const store = useEditorStoreApi();
  const mutation = useMutation(trpc.flows.save.mutationOptions());
  return useCallback(async (): Promise<boolean> => {
    const { flowId, version, saveState } = store.getState();
    if (saveState === "saving") return false;
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
      store.getState().setSaveState("error", message);
      return false;
    }
  }, [mutation, store]);
}
