"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2, Upload, Workflow } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useCapability } from "../shell/use-capability";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { relativeTime } from "../ui/relative-time";
import { toast } from "../ui/toaster";
import { DeleteFlowDialog } from "./delete-flow-dialog";
import { FlowNameDialog } from "./flow-name-dialog";
import { ImportProblemsDialog } from "./import-problems-dialog";
import { NewFlowDialog } from "./new-flow-dialog";
import { useImportFlow } from "./use-import-flow";

type Dialog =
  | { kind: "create" }
  | { kind: "rename"; id: string; name: string }
  | { kind: "delete"; id: string; name: string };

export function FlowsPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const flows = useQuery(trpc.flows.list.queryOptions());
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
  const importer = useImportFlow((id) => router.push(`/flows/${id}`));
  // A viewer or approver is not offered what the server would refuse.
  const { allowed: canEdit, role } = useCapability("edit");

  const create = useMutation(
    trpc.flows.create.mutationOptions({
      onSuccess: (flow) => {
        void invalidate();
        router.push(`/flows/${flow.id}`);
      },
    }),
  );
  const rename = useMutation(
    trpc.flows.rename.mutationOptions({
      onSuccess: () => {
        setDialog(null);
        void invalidate();
      },
    }),
  );
  const remove = useMutation(
    trpc.flows.remove.mutationOptions({
      onSuccess: () => {
        setDialog(null);
        toast("Flow deleted");
        void invalidate();
      },
      onError: (error) => toast(error.message, "error"),
    }),
  );

  const list = flows.data ?? [];
  return (
    <div className="mx-auto max-w-5xl p-8">
      <div className="flex items-center justify-between">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">Flows</h1>
          <p className="mt-1 text-sm text-slate-500">Design a workflow on the canvas, then run it and watch it run.</p>
        </div>
        {canEdit ? (
          <div className="flex gap-2">
            <Button onClick={importer.pick} disabled={importer.busy} title="Open a flow file (.json)">
              <Upload size={16} /> Import
            </Button>
            {list.length > 0 && (
              <Button variant="primary" onClick={() => setDialog({ kind: "create" })}>
                <Plus size={16} /> New flow
              </Button>
            )}
          </div>
        ) : (
          role && (
            <p className="text-xs text-slate-500" data-testid="read-only-flows">
              As {role === "approver" ? "an approver" : `a ${role}`}, you can open flows and their runs; editors build
              them.
            </p>
          )
        )}
        {importer.input}
      </div>

      {flows.isPending && (
        <div className="mt-8 h-40 animate-pulse rounded-xl bg-slate-100" role="status" aria-label="Loading flows" />
      )}
      {flows.isError && (
        <p role="alert" className="mt-8 rounded-md bg-red-50 p-4 text-sm text-red-700">
          Could not load your flows: {flows.error.message}
        </p>
      )}

      {flows.isSuccess && list.length === 0 && (
        <div className="mt-8 flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white px-6 py-16 text-center">
          <div className="flex h-12 w-12 items-center justify-center rounded-full bg-accent-50 text-accent-600">
            <Workflow />
          </div>
          <h2 className="mt-4 text-lg font-semibold text-slate-900">Create your first flow</h2>
          <p className="mt-1 max-w-sm text-sm text-slate-500">
            A flow starts with a Start and an End node. Add steps between them, save, and press Run.
          </p>
          {canEdit && (
            <Button variant="primary" className="mt-6" onClick={() => setDialog({ kind: "create" })}>
              <Plus size={16} /> New flow
            </Button>
          )}
        </div>
      )}

      {list.length > 0 && (
        <ul
          className="mt-6 divide-y divide-slate-100 overflow-hidden rounded-xl border border-slate-200 bg-white"
          aria-label="Flows"
        >
          {list.map((flow) => (
            <li key={flow.id} className="group flex items-center gap-4 px-5 py-4 hover:bg-slate-50">
              <div className="flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-accent-50 text-accent-600">
                <Workflow size={18} />
              </div>
              <div className="min-w-0 flex-1">
                <Link
                  href={`/flows/${flow.id}`}
                  className="block truncate font-medium text-slate-900 hover:text-accent-700"
                >
                  {flow.name}
                </Link>
                <p className="text-xs text-slate-500">
                  Edited {relativeTime(flow.updatedAt)} ·{" "}
                  {flow.publishedVersion === null ? "not published" : `v${flow.publishedVersion} published`}
                </p>
              </div>
              {canEdit && (
                <div className="flex gap-1 opacity-60 transition-opacity group-hover:opacity-100 focus-within:opacity-100">
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Rename ${flow.name}`}
                    onClick={() => setDialog({ kind: "rename", id: flow.id, name: flow.name })}
                  >
                    <Pencil size={15} />
                  </Button>
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Delete ${flow.name}`}
                    onClick={() => setDialog({ kind: "delete", id: flow.id, name: flow.name })}
                  >
                    <Trash2 size={15} />
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      <NewFlowDialog
        open={dialog?.kind === "create"}
        busy={create.isPending}
        error={create.error?.message}
        onClose={() => setDialog(null)}
        onCreate={(input) => create.mutate(input)}
      />
      <ImportProblemsDialog problems={importer.problems} message={importer.message} onClose={importer.dismiss} />
      <FlowNameDialog
        open={dialog?.kind === "rename"}
        title="Rename flow"
        submitLabel="Rename"
        initialName={dialog?.kind === "rename" ? dialog.name : ""}
        busy={rename.isPending}
        error={rename.error?.message}
        onClose={() => setDialog(null)}
        onSubmit={(name) => dialog?.kind === "rename" && rename.mutate({ id: dialog.id, name })}
      />
      <DeleteFlowDialog
        open={dialog?.kind === "delete"}
        name={dialog?.kind === "delete" ? dialog.name : ""}
        busy={remove.isPending}
        onClose={() => setDialog(null)}
        onConfirm={() => dialog?.kind === "delete" && remove.mutate({ id: dialog.id })}
      />
    </div>
  );
}
