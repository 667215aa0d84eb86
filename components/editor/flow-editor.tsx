"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { Keyboard, LayoutDashboard } from "lucide-react";
import { useCallback, useState } from "react";
import { CallTargetsProvider } from "@/components/canvas/call-targets";
import type { NodeType } from "@/lib/flow/kinds";
import { type StartData, startDataSchema } from "@/lib/flow/kinds/start";
import { PendingApprovals } from "../runs/pending-approvals";
import { RunStoreProvider, useRunStoreApi } from "../runs/run-context";
import { RunStatusPill } from "../runs/run-status-pill";
import { useRunWatch } from "../runs/use-run-watch";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { NotFoundView } from "../ui/not-found-view";
import { toast } from "../ui/toaster";
import { ConfigPanel } from "./config/config-panel";
import { ConflictDialog } from "./conflict-dialog";
import { EditorStoreProvider, useEditorStoreApi } from "./editor-context";
import { EditorToolbar } from "./editor-toolbar";
import { ExportButton } from "./export-button";
import { FlowCanvas } from "./flow-canvas";
import { Palette } from "./palette";
import { NodeProblemsProvider } from "./problems-context";
import { ProblemsPanel } from "./problems-panel";
import { RunInputDialog } from "./run-input-dialog";
import { SaveErrorBanner } from "./save-error-banner";
import { ShortcutsDialog } from "./shortcuts-dialog";
import { TriggersButton } from "./triggers/triggers-button";
import type { Hook } from "./triggers/webhook-section";
import { useEditorShortcuts } from "./use-editor-shortcuts";
import { useFlowCheck } from "./use-flow-check";
import { useAutosave, useSaveFlow } from "./use-save-flow";
import { HistoryButton } from "./versions/history-button";
import { PublishButton } from "./versions/publish-button";
import { useRestoreOnOpen } from "./versions/use-restore-on-open";
import { VersionView } from "./versions/version-view";

export function FlowEditor({
  flowId,
  version,
  compare,
  restore,
}: {
  flowId: string;
  /** A published version to look at, read-only, instead of the draft. */
  version?: number;
  /** With `version`: what to compare it with. */
  compare?: number | "draft";
  /** A published version to restore into the draft as the editor opens (one undo step). */
  restore?: number;
}) {
  if (version !== undefined) return <VersionView flowId={flowId} version={version} compare={compare} />;
  return <DraftEditor flowId={flowId} restore={restore} />;
}

function DraftEditor({ flowId, restore }: { flowId: string; restore?: number }) {
  const trpc = useTRPC();
  const flow = useQuery({
    ...trpc.flows.get.queryOptions({ id: flowId }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    // The draft changes with every autosave and nothing updates this copy: coming back to the
    // editor (from a run, a version) must load it again, never open what was cached then.
    gcTime: 0,
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
        <CallTargetsProvider>
          <ReactFlowProvider>
            <EditorWorkspace
              webhook={flow.data.webhook}
              mayRun={flow.data.may.run}
              mayEdit={flow.data.may.edit}
              restore={restore}
            />
          </ReactFlowProvider>
        </CallTargetsProvider>
      </RunStoreProvider>
    </EditorStoreProvider>
  );
}

/** Someone who may not run the flow is not given its webhook address (flows.get), so sees no webhook button. */
function EditorWorkspace({
  webhook,
  mayRun,
  mayEdit,
  restore,
}: {
  webhook: Hook;
  mayRun: boolean;
  mayEdit: boolean;
  restore?: number;
}) {
  const trpc = useTRPC();
  const editor = useEditorStoreApi();
  const runStore = useRunStoreApi();
  const [runId, setRunId] = useState<string | null>(null);
  useRunWatch(runStore, runId);
  const save = useSaveFlow();
  useAutosave(save);
  const startRun = useMutation(trpc.runs.start.mutationOptions());

  const check = useFlowCheck();
  const firstError = check.problems.find((p) => p.severity === "error");
  const runBlocked = firstError
    ? `Fix first: ${firstError.nodeId ? `${firstError.nodeId}: ` : ""}${firstError.message}`
    : undefined;
  const [showHelp, setShowHelp] = useState(false);
  const openHelp = useCallback(() => setShowHelp(true), []);
  useEditorShortcuts(openHelp);
  const { screenToFlowPosition, getInternalNode, fitView } = useReactFlow();
  const arrange = useCallback(async () => {
    // elkjs is large: loaded on first use, not with the editor.
    const { autoLayout } = await import("./auto-layout");
    const doc = editor.getState().document();
    const sizeOf = (id: string) => {
      const measured = getInternalNode(id)?.measured;
      return { width: measured?.width ?? 240, height: measured?.height ?? 80 };
    };
    const { positions } = await autoLayout(doc, sizeOf);
    editor.getState().arrange(positions);
    requestAnimationFrame(() => void fitView({ padding: 0.2, duration: 300 }));
  }, [editor, getInternalNode, fitView]);
  const onAdd = useCallback(
    (type: NodeType) => {
      const pane = document.querySelector(".react-flow")?.getBoundingClientRect();
      const centre = pane ? { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 } : { x: 400, y: 300 };
      const at = screenToFlowPosition(centre);
      editor.getState().addNode(type, { x: Math.round(at.x - 120), y: Math.round(at.y - 35) });
    },
    [editor, screenToFlowPosition],
  );

  const onSave = useCallback(() => void save(), [save]);
  useRestoreOnOpen(restore);
  const [askInput, setAskInput] = useState<StartData["inputs"] | null>(null);
  const [lastInput, setLastInput] = useState<Record<string, unknown>>({});
  const launch = useCallback(
    async (input: Record<string, unknown>) => {
      setAskInput(null);
      setLastInput(input);
      if (editor.getState().saveState !== "saved" && !(await save())) return;
      try {
        const { runId } = await startRun.mutateAsync({ flowId: editor.getState().flowId, input });
        runStore.getState().watch(runId);
        setRunId(runId);
      } catch (error) {
        toast(error instanceof Error ? error.message : "Could not start the run", "error");
      }
    },
    [editor, runStore, save, startRun],
  );
  /** Run asks for the start node's input fields first, when it has any. */
  const onRun = useCallback(() => {
    const start = editor
      .getState()
      .document()
      .nodes.find((n) => n.type === "start");
    const fields = start ? (startDataSchema.safeParse(start.data).data?.inputs ?? []) : [];
    if (fields.length > 0) setAskInput(fields);
    else void launch({});
  }, [editor, launch]);

  return (
    <div className="flex h-full flex-col">
      <EditorToolbar onSave={onSave} onRun={onRun} running={startRun.isPending} runBlocked={runBlocked}>
        <Button
          variant="ghost"
          onClick={() => void arrange()}
          title="Lay the flow out left to right"
          aria-label="Auto-layout"
        >
          <LayoutDashboard size={16} />
        </Button>
        <Button variant="ghost" onClick={openHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          <Keyboard size={16} />
        </Button>
        <ExportButton />
        <HistoryButton mayEdit={mayEdit} />
        {mayRun && <TriggersButton flowId={editor.getState().flowId} initial={webhook} />}
        {mayEdit && <PublishButton save={save} blocked={runBlocked} />}
      </EditorToolbar>
      <SaveErrorBanner />
      <div className="flex min-h-0 flex-1">
        <Palette onAdd={onAdd} />
        <div className="relative min-w-0 flex-1 select-none">
          <NodeProblemsProvider problems={check.problems}>
            <FlowCanvas />
          </NodeProblemsProvider>
          <div className="pointer-events-none absolute top-4 right-4 z-10 flex flex-col items-end gap-2">
            <RunStatusPill />
            <PendingApprovals />
          </div>
          <div className="absolute bottom-4 left-16 z-10">
            <ProblemsPanel check={check} />
          </div>
        </div>
        <ConfigPanel />
      </div>
      <ConflictDialog />
      <ShortcutsDialog open={showHelp} onClose={() => setShowHelp(false)} />
      <RunInputDialog
        open={askInput !== null}
        fields={askInput ?? []}
        initial={lastInput}
        onClose={() => setAskInput(null)}
        onRun={(input) => void launch(input)}
      />
    </div>
  );
}
