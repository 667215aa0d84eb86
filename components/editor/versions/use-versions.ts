"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { diffFlows, type FlowDiff, isEmptyDiff } from "@/lib/flow/diff";
import { useTRPC } from "../../trpc";
import { useEditor, useEditorStoreApi } from "../editor-context";

/** The flow's published versions, newest first. */
export function useFlowVersions(flowId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.flows.versions.queryOptions({ id: flowId }));
}

/** A published version's document: it never changes, so it is fetched once. */
export function useVersionDocument(flowId: string, version: number | undefined) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.flows.version.queryOptions({ id: flowId, version: version ?? 0 }),
    enabled: version !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** After publishing: the history (and what the header compares with) is fetched again. */
export function useRefreshVersions(flowId: string) {
  const trpc = useTRPC();
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: trpc.flows.versions.queryKey({ id: flowId }) });
}

/**
 * What the draft on the canvas changes from the newest published version: undefined while
 * loading, null when nothing was ever published.
 */
export function useDraftChanges(flowId: string): { latest: number; diff: FlowDiff; same: boolean } | null | undefined {
  const versions = useFlowVersions(flowId);
  const latest = versions.data?.[0]?.version;
  const published = useVersionDocument(flowId, latest);
  const editor = useEditorStoreApi();
  // Compared again when the draft is saved or first changes: not on every frame of a drag.
  const revision = useEditor((s) => s.version);
  const saveState = useEditor((s) => s.saveState);
  return useMemo(() => {
    if (versions.data && versions.data.length === 0) return null;
    if (latest === undefined || !published.data) return undefined;
    void revision;
    void saveState;
    const diff = diffFlows(published.data.document, editor.getState().document());
    return { latest, diff, same: isEmptyDiff(diff) };
  }, [versions.data, latest, published.data, editor, revision, saveState]);
}
