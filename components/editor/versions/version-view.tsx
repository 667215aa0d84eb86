"use client";
import { useQuery } from "@tanstack/react-query";
import { ReactFlow, ReactFlowProvider } from "@xyflow/react";
import { ArrowLeft, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { CallTargetsProvider } from "@/components/canvas/call-targets";
import { diffFlows, type FlowDiff, isEmptyDiff } from "@/lib/flow/diff";
import type { FlowDocument } from "@/lib/flow/document";
import { CanvasBackdrop, LARGE_FLOW, READ_ONLY } from "../../canvas/canvas-setup";
import { nodeTypes } from "../../canvas/nodes";
import { RunStoreProvider } from "../../runs/run-context";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { NotFoundView } from "../../ui/not-found-view";
import { relativeTime } from "../../ui/relative-time";
import { EditorStoreProvider, useEditor } from "../editor-context";
import { useFlowVersions, useVersionDocument } from "./use-versions";

type Compare = number | "draft" | undefined;
type Mark = "added" | "removed" | "changed";

/**
 * A published version, read-only on the canvas. With `compare`, what changes from it to the
 * draft or to another version: added and changed nodes marked, removed ones drawn as ghosts
 * where they were, and every changed field listed beside the canvas.
 */
export function VersionView({ flowId, version, compare }: { flowId: string; version: number; compare: Compare }) {
  const trpc = useTRPC();
  const router = useRouter();
  // The draft as saved now (the editor's copy is as it was loaded).
  const flow = useQuery({ ...trpc.flows.get.queryOptions({ id: flowId }), gcTime: 0, refetchOnMount: "always" });
  const versions = useFlowVersions(flowId);
  const opened = useVersionDocument(flowId, version);
  const other = useVersionDocument(flowId, typeof compare === "number" ? compare : undefined);
  const target: FlowDocument | undefined =
    compare === "draft" ? flow.data?.document : typeof compare === "number" ? other.data?.document : undefined;
  const meta = versions.data?.find((v) => v.version === version);

  const shown = useMemo(() => {
    if (!opened.data) return undefined;
    if (!target) return { document: opened.data.document, marks: new Map<string, Mark>(), diff: undefined };
    return marked(opened.data.document, target);
  }, [opened.data, target]);

  if (opened.isError) return <NotFoundView what="version" />;
  if (!shown || !flow.data || flow.isFetching || (compare !== undefined && !target))
    return <div className="h-full animate-pulse bg-slate-100" role="status" aria-label="Loading version" />;
  const compareLabel = compare === "draft" ? "the draft" : `v${compare}`;
  const setCompare = (value: string) =>
    router.push(`/flows/${flowId}?version=${version}${value ? `&compare=${value}` : ""}`);

  return (
    <div className="flex h-full flex-col">
      <div className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
        <Link
          href={`/flows/${flowId}`}
          aria-label="Back to the draft"
          className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
        >
          <ArrowLeft size={18} />
        </Link>
        <h1 className="truncate text-base font-semibold text-slate-900">{flow.data.name}</h1>
        <span
          className="rounded bg-slate-800 px-1.5 py-0.5 text-xs font-medium text-white"
          data-testid="viewing-version"
        >
          v{version} · read-only
        </span>
        {meta && (
          <span className="truncate text-xs text-slate-500">
            {meta.message ? `“${meta.message}” · ` : ""}
            {meta.publishedBy ?? "a former member"}, {relativeTime(new Date(meta.publishedAt))}
          </span>
        )}
        <div className="ml-auto flex items-center gap-2">
          <label className="flex items-center gap-2 text-sm text-slate-600">
            Compare with
            <select
              value={compare === undefined ? "" : String(compare)}
              onChange={(e) => setCompare(e.target.value)}
              className="h-9 rounded-md border border-slate-300 bg-white px-2 text-sm"
              aria-label="Compare with"
            >
              <option value="">nothing</option>
              <option value="draft">the draft</option>
              {(versions.data ?? [])
                .filter((v) => v.version !== version)
                .map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
            </select>
          </label>
          {flow.data.may.edit && (
            <Button
              variant="primary"
              onClick={() => router.push(`/flows/${flowId}?restore=${version}`)}
              title="Make the draft a copy of this version (undo brings the draft back)"
            >
              <RotateCcw size={16} /> Restore into draft
            </Button>
          )}
        </div>
      </div>
      <div className="flex min-h-0 flex-1">
        <div className="relative min-w-0 flex-1">
          <EditorStoreProvider
            key={`${version}:${compare}`}
            flow={{ id: flowId, version: 0, document: shown.document }}
          >
            <RunStoreProvider>
              <CallTargetsProvider>
                <ReactFlowProvider>
                  <VersionCanvas marks={shown.marks} diff={shown.diff} />
                </ReactFlowProvider>
              </CallTargetsProvider>
            </RunStoreProvider>
          </EditorStoreProvider>
        </div>
        {shown.diff && <ChangeList diff={shown.diff} from={`v${version}`} to={compareLabel} />}
      </div>
    </div>
  );
}

/** `to`'s graph with `from`'s removed nodes and edges added back as ghosts, and each node's mark. */
function marked(from: FlowDocument, to: FlowDocument) {
  const diff = diffFlows(from, to);
  const marks = new Map<string, Mark>();
  for (const id of diff.nodes.added) marks.set(id, "added");
  for (const { id } of diff.nodes.changed) marks.set(id, "changed");
  for (const id of diff.nodes.removed) marks.set(id, "removed");
  const removed = new Set(diff.nodes.removed);
  const nodes = [...to.nodes, ...from.nodes.filter((n) => removed.has(n.id))];
  const present = new Set(nodes.map((n) => n.id));
  const ghostEdges = from.edges.filter(
    (e) => diff.edges.removed.includes(e.id) && present.has(e.source) && present.has(e.target),
  );
  const edges = [...to.edges, ...ghostEdges.map((e) => ({ ...e, id: `removed:${e.id}` }))];
  return {
    document: {
      ...to,
      nodes: nodes.map((n) => (n.parentId && !present.has(n.parentId) ? { ...n, parentId: undefined } : n)),
      edges,
    },
    marks,
    diff,
  };
}

const FIT_VIEW_OPTIONS = { padding: 0.25, maxZoom: 1.1 };

const MARK_CLASS: Record<Mark, string> = {
  added: "diff-added",
  changed: "diff-changed",
  removed: "diff-removed",
};

function VersionCanvas({ marks, diff }: { marks: Map<string, Mark>; diff?: FlowDiff }) {
  const plainNodes = useEditor((s) => s.nodes);
  const plainEdges = useEditor((s) => s.edges);
  const nodes = useMemo(
    () => plainNodes.map((n) => (marks.has(n.id) ? { ...n, className: MARK_CLASS[marks.get(n.id)!] } : n)),
    [plainNodes, marks],
  );
  const edges = useMemo(() => {
    const added = new Set(diff?.edges.added);
    return plainEdges.map((e) =>
      e.id.startsWith("removed:")
        ? { ...e, style: { stroke: "#dc2626", strokeDasharray: "6 4" } }
        : added.has(e.id)
          ? { ...e, style: { stroke: "#16a34a", strokeWidth: 2 } }
          : e,
    );
  }, [plainEdges, diff]);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      {...READ_ONLY}
      fitViewOptions={FIT_VIEW_OPTIONS}
      onlyRenderVisibleElements={nodes.length >= LARGE_FLOW}
    >
      <CanvasBackdrop />
    </ReactFlow>
  );
}

/** The changes as a list: which nodes, which of their fields, which connections. */
function ChangeList({ diff, from, to }: { diff: FlowDiff; from: string; to: string }) {
  const section = (title: string, tone: string, items: { id: string; detail?: string }[]) =>
    items.length > 0 && (
      <section>
        <h3 className={`text-xs font-semibold tracking-wide uppercase ${tone}`}>
          {title} ({items.length})
        </h3>
        <ul className="mt-1 flex flex-col gap-1">
          {items.map((item) => (
            <li key={item.id} className="text-sm text-slate-800">
              <code className="font-mono text-xs">{item.id}</code>
              {item.detail && <span className="block text-xs break-words text-slate-500">{item.detail}</span>}
            </li>
          ))}
        </ul>
      </section>
    );
  return (
    <aside
      className="flex w-80 shrink-0 flex-col gap-4 overflow-y-auto border-l border-slate-200 bg-white p-4"
      data-testid="diff-list"
    >
      <p className="text-sm text-slate-600">
        From <strong>{from}</strong> to <strong>{to}</strong>
      </p>
      {isEmptyDiff(diff) && <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-600">No differences.</p>}
      {section(
        "Added nodes",
        "text-emerald-700",
        diff.nodes.added.map((id) => ({ id })),
      )}
      {section(
        "Changed nodes",
        "text-amber-700",
        diff.nodes.changed.map(({ id, fields }) => ({ id, detail: fields.join(", ") })),
      )}
      {section(
        "Removed nodes",
        "text-red-700",
        diff.nodes.removed.map((id) => ({ id })),
      )}
      {section(
        "Connections added",
        "text-emerald-700",
        diff.edges.added.map((id) => ({ id })),
      )}
      {section(
        "Connections removed",
        "text-red-700",
        diff.edges.removed.map((id) => ({ id })),
      )}
    </aside>
  );
}
