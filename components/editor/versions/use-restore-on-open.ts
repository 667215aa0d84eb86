"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useTRPC } from "../../trpc";
import { toast } from "../../ui/toaster";
import { useEditorStoreApi } from "../editor-context";

/**
 * "Restore into draft" from a version's page opens the editor with ?restore=N: the version's
 * graph replaces the draft's as one undo step (autosave then stores it), and the address
 * loses the parameter so a reload does not restore again.
 */
export function useRestoreOnOpen(version: number | undefined) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const editor = useEditorStoreApi();
  const router = useRouter();
  const done = useRef(false);
  useEffect(() => {
    if (version === undefined || done.current) return;
    done.current = true;
    const flowId = editor.getState().flowId;
    void client
      .fetchQuery({ ...trpc.flows.version.queryOptions({ id: flowId, version }), staleTime: Number.POSITIVE_INFINITY })
      .then(({ document }) => {
        editor.getState().replaceGraph(document);
        toast(`Restored v${version} into the draft. Undo (Ctrl+Z) brings your draft back.`);
      })
      .catch((error: unknown) => toast(error instanceof Error ? error.message : "Could not restore", "error"))
      .finally(() => router.replace(`/flows/${flowId}`));
  }, [version, client, trpc, editor, router]);
}
