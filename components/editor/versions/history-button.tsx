"use client";
import { useQueryClient } from "@tanstack/react-query";
import { Eye, GitCompare, History, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { relativeTime } from "../../ui/relative-time";
import { toast } from "../../ui/toaster";
import { useNow } from "../../ui/use-now";
import { useEditor, useEditorStoreApi } from "../editor-context";
import { useFlowVersions } from "./use-versions";

/**
 * The flow's published versions: who published each, when and why. Any of them opens
 * read-only, compares with the draft, or is restored into the draft (one undo step).
 */
export function HistoryButton({ mayEdit }: { mayEdit: boolean }) {
  const trpc = useTRPC();
  const client = useQueryClient();
  const editor = useEditorStoreApi();
  const flowId = useEditor((s) => s.flowId);
  const versions = useFlowVersions(flowId);
  const [open, setOpen] = useState(false);
  const now = useNow(open ? 60_000 : null);

  const restore = async (version: number) => {
    try {
      const { document } = await client.fetchQuery({
        ...trpc.flows.version.queryOptions({ id: flowId, version }),
        staleTime: Number.POSITIVE_INFINITY,
      });
      editor.getState().replaceGraph(document);
      setOpen(false);
      toast(`Restored v${version} into the draft. Undo (Ctrl+Z) brings your draft back.`);
    } catch (error) {
      toast(error instanceof Error ? error.message : "Could not restore", "error");
    }
  };

  return (
    <>
      <Button variant="ghost" onClick={() => setOpen(true)} title="Published versions" aria-label="Version history">
        <History size={16} />
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Version history" wide>
        {versions.isPending ? (
          <div className="h-24 animate-pulse rounded bg-slate-100" />
        ) : (versions.data ?? []).length === 0 ? (
          <p className="rounded-md bg-slate-50 p-4 text-sm text-slate-600">
            Nothing published yet. Publish freezes the draft as v1; webhooks run published versions only.
          </p>
        ) : (
          <ol className="flex max-h-[60vh] flex-col divide-y divide-slate-100 overflow-y-auto" data-testid="versions">
            {versions.data!.map((v, i) => (
              <li key={v.version} className="flex items-center gap-3 py-3">
                <span className="w-10 shrink-0 rounded bg-slate-100 py-0.5 text-center text-xs font-semibold text-slate-700">
                  v{v.version}
                </span>
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm text-slate-900">
                    {v.message || <span className="text-slate-400">No message</span>}
                  </p>
                  <p className="text-xs text-slate-500">
                    {v.publishedBy ?? "a former member"} · {relativeTime(new Date(v.publishedAt), now)}
                    {i === 0 && <span className="ml-1 font-medium text-emerald-700">· newest: webhooks run it</span>}
                  </p>
                </div>
                <Link
                  href={`/flows/${flowId}?version=${v.version}`}
                  className="inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-sm text-slate-600 hover:bg-slate-100"
                  title="Open this version, read-only"
                >
                  <Eye size={14} /> View
                </Link>
                <Link
                  href={`/flows/${flowId}?version=${v.version}&compare=draft`}
                  className="inline-flex h-8 items-center gap-1.5 rounded-md px-2.5 text-sm text-slate-600 hover:bg-slate-100"
                  title="What the draft changes from this version"
                >
                  <GitCompare size={14} /> Diff
                </Link>
                {mayEdit && (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => void restore(v.version)}
                    title="Make the draft a copy of this version"
                  >
                    <RotateCcw size={14} /> Restore
                  </Button>
                )}
              </li>
            ))}
          </ol>
        )}
      </Dialog>
    </>
  );
}
