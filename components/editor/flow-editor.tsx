"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useState } from "react";
import { RunStoreProvider, useRunStoreApi } from "../runs/run-context";
import { RunStatusPill } from "../runs/run-status-pill";
import { useRunWatch } from "../runs/use-run-watch";
import { useTRPC } from "../trpc";
import { NotFoundView } from "../ui/not-found-view";
import { toast } from "../ui/toaster";
import { EditorStoreProvider, useEditorStoreApi } from "./editor-context";
import { EditorToolbar } from "./editor-toolbar";
import { FlowCanvas } from "./flow-canvas";
import { SaveErrorBanner } from "./save-error-banner";
import { useSaveFlow } from "./use-save-flow";

export function FlowEditor({ flowId }: { flowId: string }) {
  const trpc = useTRPC();
  const flow = useQuery({
    ...trpc.flows.get.queryOptions({ id: flowId }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  if (flow.isPending)
    return <div className="h-full animate-pulse bg-slate-100" role="status" aria-label="Loading flow" />;
  if (flow.isError) {
    if (flow.error instanceof TRPCClientError && flow.error.data?.code === "NOT_FOUND")
      return <NotFoundView what="flow" />;
    return (
      <p role="alert" className="m-8 rounded-md bg-red-50 p-4 text-sm text-red-700">
        Could not open this flow: {flow.error.message}
      </p>
    );
  }
  return (
    <EditorStoreProvider key={flow.data.id} flow={flow.data}>
      <RunStoreProvider>
        <ReactFlowProvider>
          <EditorWorkspace />
        </ReactFlowProvider>
      </RunStoreProvider>
    </EditorStoreProvider>
  );
}

function EditorWorkspace() {
  const trpc = useTRPC();
  const editor = useEditorStoreApi();
  const runStore = useRunStoreApi();
  const [runId, setRunId] = useState<string | null>(null);
  useRunWatch(runStore, runId);
  const save = useSaveFlow();
  const startRun = useMutation(trpc.runs.start.mutationOptions());

  const onSave = useCallback(() => void save(), [save]);
  const onRun = useCallback(async () => {
    if (editor.getState().saveState !== "saved" && !(await save())) return;
    try {
      const { runId } = await startRun.mutateAsync({ flowId: editor.getState().flowId, input: {} });
      runStore.getState().watch(runId);
      setRunId(runId);
    } catch (error) {
      toast(error instanceof Error ? error.message : "Could not start the run", "error");
    }
  }, [editor, runStore, save, startRun]);

  return (
    <div className="flex h-full flex-col">
      <EditorToolbar onSave={onSave} onRun={onRun} running={startRun.isPending} />
      <SaveErrorBanner />
      <div className="relative min-h-0 flex-1">
        <FlowCanvas />
        <div className="pointer-events-none absolute top-4 right-4 z-10">
          <RunStatusPill />
        </div>
      </div>
    </div>
  );
}
