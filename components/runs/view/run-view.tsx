"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { ReactFlowProvider } from "@xyflow/react";
import { ArrowLeft, Ban, Download, ExternalLink, Loader2, Pause, Play, RotateCcw, Undo2, WifiOff } from "lucide-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { CallTargetsProvider } from "@/components/canvas/call-targets";
import type { FlowDocument } from "@/lib/flow/document";
import { startDataSchema } from "@/lib/flow/kinds/start";
import { terminalRunStatuses } from "@/lib/run/events";
import { startedByLabel } from "@/lib/run/trigger";
import { EditorStoreProvider, useEditorStoreApi } from "../../editor/editor-context";
import { RunInputDialog } from "../../editor/run-input-dialog";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { downloadJson } from "../../ui/download-file";
import { FlowVersionChip } from "../../ui/flow-version-chip";
import { formatDuration, formatWhen } from "../../ui/format";
import { NotFoundView } from "../../ui/not-found-view";
import { toast } from "../../ui/toaster";
import { useNow } from "../../ui/use-now";
import { Cost, useModelPrices } from "../cost";
import { PendingApprovals } from "../pending-approvals";
import { RunStoreProvider, useRun, useRunStoreApi } from "../run-context";
import { runStatusChipClass, runStatusLooks } from "../run-status-looks";
import { useRunWatch } from "../use-run-watch";
import { EventLog } from "./event-log";
import { Inspector } from "./inspector";
import { ResultsPanel } from "./results-panel";
import { RunCanvas } from "./run-canvas";
import { Timeline } from "./timeline";

/** `/runs/[id]`: the run on its own snapshot of the flow, live, with inspector, timeline and events. */
export function RunView({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery({ ...trpc.runs.get.queryOptions({ id: runId }), refetchOnWindowFocus: false });
  if (run.isPending)
    return <div className="h-full animate-pulse bg-slate-100" role="status" aria-label="Loading run" />;
  if (run.isError) {
    if (run.error instanceof TRPCClientError && run.error.data?.code === "NOT_FOUND")
      return <NotFoundView what="run" />;
    return (
      <p role="alert" className="m-8 rounded-md bg-red-50 p-4 text-sm text-red-700">
        Could not open this run: {run.error.message}
      </p>
    );
  }
  if (run.data.purgedAt) return <PurgedRun run={run.data} />;
  // Read-only: the revision a save would name is never used.
  const snapshot = { id: run.data.flowId, version: 0, document: run.data.definition };
  return (
    <EditorStoreProvider key={runId} flow={snapshot}>
      <RunStoreProvider>
        <CallTargetsProvider>
          <ReactFlowProvider>
            <RunWorkspace run={run.data} />
          </ReactFlowProvider>
        </CallTargetsProvider>
      </RunStoreProvider>
    </EditorStoreProvider>
  );
}

interface RunMeta {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number | null;
  startedBy: string | null;
  retryOfId: string | null;
  trigger: string;
  /** A sub-flow's run: the run and step that called it. */
  parentRunId: string | null;
  parentNodeId: string | null;
  createdAt: Date;
  input: unknown;
  definition: FlowDocument;
}

function RunWorkspace({ run }: { run: RunMeta }) {
  const runStore = useRunStoreApi();
  const editor = useEditorStoreApi();
  const [tab, setTab] = useState<"timeline" | "events" | "result">("timeline");
  useEffect(() => {
    const parents = new Map(run.definition.nodes.flatMap((n) => (n.parentId ? [[n.id, n.parentId] as const] : [])));
    runStore.getState().watch(run.id, parents);
  }, [run.id, run.definition, runStore]);
  useRunWatch(runStore, run.id);
  const hasSelection = useEditorSelection();

  /** From the timeline or the event log: select the node and show that iteration. */
  const pick = (nodeId: string, path: number[]) => {
    const chain: string[] = [];
    for (let at = runStore.getState().parents.get(nodeId); at; at = runStore.getState().parents.get(at))
      chain.unshift(at);
    chain.forEach((loopId, depth) => {
      if (path[depth] !== undefined) runStore.getState().pickIteration(loopId, path[depth]);
    });
    editor.getState().select(nodeId);
  };

  // Arriving from the inbox (or a shared link) at a step: `?node=<id>&path=<i.j>` selects it.
  const params = useSearchParams();
  const arrivedAt = params.get("node");
  const arrivedPath = params.get("path");
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on arrival, not on every render's new `pick`
  useEffect(() => {
    if (arrivedAt) pick(arrivedAt, (arrivedPath ?? "").split(".").filter(Boolean).map(Number));
  }, [arrivedAt, arrivedPath]);

  return (
    <div className="flex h-full flex-col">
      <RunHeader run={run} />
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          <RunCanvas />
          <div className="pointer-events-none absolute top-4 right-4 z-10 flex flex-col items-end gap-2">
            <PendingApprovals />
          </div>
        </div>
        {hasSelection && <Inspector />}
      </div>
      <div className="flex h-64 shrink-0 flex-col border-t border-slate-200 bg-white">
        <div className="flex gap-1 border-b border-slate-100 px-2 pt-1" role="tablist">
          {(["timeline", "events", "result"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              onClick={() => setTab(t)}
              className={`rounded-t-md px-3 py-1.5 text-xs font-medium ${tab === t ? "bg-slate-100 text-slate-900" : "text-slate-500 hover:text-slate-800"}`}
            >
              {t === "timeline" ? "Timeline" : t === "events" ? "Events" : "Result"}
            </button>
          ))}
        </div>
        <div className="min-h-0 flex-1">
          {tab === "timeline" ? (
            <Timeline onPick={pick} />
          ) : tab === "events" ? (
            <EventLog onPick={pick} />
          ) : (
            <ResultsPanel onPick={pick} />
          )}
        </div>
      </div>
    </div>
  );
}

function useEditorSelection() {
  const editor = useEditorStoreApi();
  const [selected, setSelected] = useState(false);
  useEffect(
    () =>
      editor.subscribe((s) => {
        setSelected(s.nodes.some((n) => n.selected));
      }),
    [editor],
  );
  return selected;
}

function RunHeader({ run }: { run: RunMeta }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [exporting, setExporting] = useState(false);
  const router = useRouter();
  const state = useRun((s) => s.run);
  const connection = useRun((s) => s.connection);
  const [rerun, setRerun] = useState(false);
  const live = !terminalRunStatuses.includes(state.status);
  const now = useNow(live ? 1_000 : null);
  const onError = (e: { message: string }) => toast(e.message, "error");
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onError }));
  const pause = useMutation(
    trpc.runs.pause.mutationOptions({ onError, onSuccess: () => toast("Run paused: no new step starts") }),
  );
  const resume = useMutation(trpc.runs.resume.mutationOptions({ onError, onSuccess: () => toast("Run resumed") }));
  const retry = useMutation(
    trpc.runs.retry.mutationOptions({ onError, onSuccess: ({ runId }) => router.push(`/runs/${runId}`) }),
  );
  const start = useMutation(
    trpc.runs.start.mutationOptions({ onError, onSuccess: ({ runId }) => router.push(`/runs/${runId}`) }),
  );
  // A failed run can also be retried on the newest published version, when that is another one (the fix).
  const versions = useQuery({
    ...trpc.flows.versions.queryOptions({ id: run.flowId }),
    enabled: state.status === "failed",
  });
  const newest = versions.data?.[0]?.version;
  const look = runStatusLooks[state.status];
  const Icon = look.icon;
  const started = state.startedAt ? Date.parse(state.startedAt) : run.createdAt.getTime();
  const last = useRun((s) => s.events.at(-1)?.at);
  const ended = live ? now : last ? Date.parse(last) : now;
  const startNode = run.definition.nodes.find((n) => n.type === "start");
  const prices = useModelPrices();
  const fields = startNode ? (startDataSchema.safeParse(startNode.data).data?.inputs ?? []) : [];

  return (
    <div className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-2.5">
      <Link href="/runs" aria-label="Back to runs" className="rounded p-1 text-slate-500 hover:bg-slate-100">
        <ArrowLeft size={18} />
      </Link>
      <div className="min-w-0">
        <div className="flex items-center gap-2">
          <h1 className="truncate font-semibold text-slate-900">{run.flowName}</h1>
          <FlowVersionChip flowId={run.flowId} version={run.flowVersion} />
          <span className={runStatusChipClass(state.status)} data-testid="run-view-status" data-status={state.status}>
            <Icon size={12} className={look.spin ? "animate-spin" : ""} /> {look.word}
          </span>
          {connection === "offline" && (
            <span
              className="flex items-center gap-1 text-xs text-amber-700"
              title="Reconnecting; no event will be missed"
            >
              <WifiOff size={13} /> reconnecting
            </span>
          )}
        </div>
        <p className="truncate text-xs text-slate-500">
          Started {formatWhen(new Date(started))} by {startedByLabel(run).replace(/^Webhook$/, "a webhook")}
          {run.parentRunId && (
            <>
              {" "}
              ·{" "}
              <Link className="text-accent-700 hover:underline" href={`/runs/${run.parentRunId}`}>
                ← the run that called it
              </Link>{" "}
              (step {run.parentNodeId})
            </>
          )}
          {run.retryOfId && (
            <>
              {" "}
              · retry of{" "}
              <Link className="text-accent-700 hover:underline" href={`/runs/${run.retryOfId}`}>
                an earlier run
              </Link>
            </>
          )}{" "}
          · {live ? (state.status === "paused" ? "paused; so far " : "running for ") : "took "}
          <span className="tabular-nums">{formatDuration(ended - started)}</span>
          {state.usage && (
            <>
              {" "}
              · cost <Cost usage={state.usage} prices={prices} testId="run-view-cost" />
            </>
          )}
          {state.compensation && (
            <span className="text-amber-700" data-testid="compensation-phase">
              {" "}
              ·{" "}
              {state.compensation.finished
                ? `undid ${state.compensation.steps.length} step${state.compensation.steps.length === 1 ? "" : "s"}`
                : `undoing ${state.compensation.steps.join(", ")}`}
            </span>
          )}
          {state.error && <span className="text-red-700"> · {state.error.message}</span>}
        </p>
      </div>
      <div className="ml-auto flex shrink-0 gap-2">
        {(state.status === "running" || state.status === "waiting") && (
          <Button
            size="sm"
            disabled={pause.isPending}
            onClick={() => pause.mutate({ id: run.id })}
            title="No new step starts; steps under way finish"
          >
            <Pause size={14} /> Pause
          </Button>
        )}
        {state.status === "paused" && (
          <Button size="sm" variant="primary" disabled={resume.isPending} onClick={() => resume.mutate({ id: run.id })}>
            <Play size={14} /> Resume
          </Button>
        )}
        {live && !state.compensation && run.definition.edges.some((e) => e.sourceHandle === "compensate") && (
          <Button
            size="sm"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ id: run.id, compensate: true })}
            title="Cancel, and first undo the steps that succeeded (their compensation handlers)"
          >
            <Undo2 size={14} /> Cancel and undo
          </Button>
        )}
        {live && (
          <Button size="sm" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: run.id })}>
            <Ban size={14} /> Cancel run
          </Button>
        )}
        {state.status === "failed" && (
          <Button
            size="sm"
            variant="primary"
            disabled={retry.isPending}
            onClick={() => retry.mutate({ id: run.id })}
            title="Run again from the step that failed; finished steps keep their outputs"
          >
            <RotateCcw size={14} /> Retry from failure
          </Button>
        )}
        {state.status === "failed" && newest !== undefined && newest !== run.flowVersion && (
          <Button
            size="sm"
            disabled={retry.isPending}
            onClick={() => retry.mutate({ id: run.id, version: "latest" })}
            title={`Retry from the step that failed on v${newest}; finished steps keep their outputs`}
          >
            <RotateCcw size={14} /> Retry on v{newest}
          </Button>
        )}
        {!live && (
          <Button
            size="sm"
            onClick={() => setRerun(true)}
            title="Run the flow as saved now, with this input or an edited one"
          >
            <RotateCcw size={14} /> Run again
          </Button>
        )}
        <Button
          size="sm"
          title="Download the run, its event log and every approval decision as JSON"
          disabled={exporting}
          onClick={async () => {
            setExporting(true);
            try {
              const whole = await queryClient.fetchQuery(trpc.runs.export.queryOptions({ id: run.id }));
              downloadJson(whole, `${run.flowName}-run-${run.id}`);
            } catch (e) {
              toast(`Could not export the run: ${(e as Error).message}`, "error");
            } finally {
              setExporting(false);
            }
          }}
        >
          {exporting ? <Loader2 size={14} className="animate-spin" /> : <Download size={14} />} Export
        </Button>
        <Link
          href={`/flows/${run.flowId}`}
          className="inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-sm font-medium text-slate-600 hover:bg-slate-100"
        >
          <ExternalLink size={14} /> Open flow
        </Link>
      </div>
      <RunInputDialog
        open={rerun}
        fields={fields}
        initial={(run.input as Record<string, unknown>) ?? {}}
        onClose={() => setRerun(false)}
        onRun={(input) => {
          setRerun(false);
          start.mutate({ flowId: run.flowId, input });
        }}
      />
    </div>
  );
}

/** A run whose steps retention removed: what is left of it (its row and summary). */
function PurgedRun({
  run,
}: {
  run: {
    id: string;
    flowId: string;
    flowName: string;
    flowVersion: number | null;
    status: string;
    createdAt: Date;
    finishedAt: Date | null;
    purgedAt: Date | null;
    summary: { durationMs: number | null; events: number; tokens: { input: number; output: number } } | null;
  };
}) {
  const summary = run.summary;
  return (
    <div className="mx-auto max-w-2xl p-8" data-testid="purged-run">
      <Link href="/runs" className="inline-flex items-center gap-1 text-sm text-slate-500 hover:text-slate-900">
        <ArrowLeft size={16} /> Runs
      </Link>
      <div className="mt-4 flex items-center gap-2">
        <h1 className="text-xl font-semibold text-slate-900">{run.flowName}</h1>
        <FlowVersionChip flowId={run.flowId} version={run.flowVersion} />
        <span className={runStatusChipClass(run.status as keyof typeof runStatusLooks)}>
          {runStatusLooks[run.status as keyof typeof runStatusLooks]?.word ?? run.status}
        </span>
      </div>
      <p className="mt-3 rounded-md bg-slate-50 p-4 text-sm text-slate-600 ring-1 ring-slate-200">
        This run&apos;s steps were removed on {formatWhen(new Date(run.purgedAt!))}: the workspace keeps finished runs
        for a limited time (Settings → Runs). What is kept:
      </p>
      <dl className="mt-4 grid grid-cols-2 gap-3 text-sm">
        <dt className="text-slate-500">Started</dt>
        <dd>{formatWhen(new Date(run.createdAt))}</dd>
        <dt className="text-slate-500">Duration</dt>
        <dd>{summary?.durationMs != null ? formatDuration(summary.durationMs) : "—"}</dd>
        <dt className="text-slate-500">Events recorded</dt>
        <dd>{summary?.events ?? "—"}</dd>
        <dt className="text-slate-500">Tokens (in / out)</dt>
        <dd>{summary ? `${summary.tokens.input} / ${summary.tokens.output}` : "—"}</dd>
      </dl>
    </div>
  );
}
