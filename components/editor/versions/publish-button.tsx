"use client";
import { useMutation } from "@tanstack/react-query";
import { Rocket } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { TextField } from "../../ui/text-field";
import { toast } from "../../ui/toaster";
import { useEditor, useEditorStoreApi } from "../editor-context";
import { useDraftChanges, useRefreshVersions } from "./use-versions";

/** "3 nodes changed, 1 added": the draft's changes since the newest version, in words. */
function changeSummary(changes: ReturnType<typeof useDraftChanges>): string {
  if (changes === undefined) return "";
  if (changes === null) return "This is the first version.";
  const { nodes, edges } = changes.diff;
  const parts = [
    nodes.added.length && `${nodes.added.length} node${nodes.added.length === 1 ? "" : "s"} added`,
    nodes.removed.length && `${nodes.removed.length} removed`,
    nodes.changed.length && `${nodes.changed.length} changed`,
    edges.added.length + edges.removed.length &&
      `${edges.added.length + edges.removed.length} connection${edges.added.length + edges.removed.length === 1 ? "" : "s"} changed`,
  ].filter(Boolean);
  return parts.length > 0
    ? `Since v${changes.latest}: ${parts.join(", ")}.`
    : `Nothing changed since v${changes.latest}.`;
}

/**
 * Publish: saves the draft if needed, then freezes it as the next version with a message.
 * Webhooks (and, later, schedules and sub-flow calls) run the newest version.
 */
export function PublishButton({ save, blocked }: { save: () => Promise<boolean>; blocked?: string }) {
  const trpc = useTRPC();
  const editor = useEditorStoreApi();
  const flowId = useEditor((s) => s.flowId);
  const changes = useDraftChanges(flowId);
  const refresh = useRefreshVersions(flowId);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState("");
  const publish = useMutation(trpc.flows.publish.mutationOptions());
  const next = changes ? changes.latest + 1 : 1;
  const nothingNew = changes?.same === true;

  const confirm = async () => {
    if (editor.getState().saveState !== "saved" && !(await save())) return;
    try {
      const { version } = await publish.mutateAsync({
        id: flowId,
        expectedVersion: editor.getState().version,
        message,
      });
      await refresh();
      setOpen(false);
      setMessage("");
      toast(`Published v${version}: webhooks run it from now on`);
    } catch (error) {
      toast(error instanceof Error ? error.message : "Could not publish", "error");
    }
  };
  return (
    <>
      <Button
        onClick={() => setOpen(true)}
        disabled={Boolean(blocked)}
        title={blocked ?? "Freeze the draft as the next version"}
      >
        <Rocket size={16} /> Publish
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Publish v${next}`}>
        <form
          className="flex flex-col gap-4 text-sm"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <p className="text-slate-600">
            The draft becomes version {next}, frozen. Webhooks run the newest version; the editor keeps working on the
            draft. {changeSummary(changes)}
          </p>
          <TextField
            label="What changed"
            placeholder="e.g. Ask finance when the amount is over 10,000"
            value={message}
            maxLength={500}
            onChange={(e) => setMessage(e.target.value)}
            autoFocus
          />
          {nothingNew && <p className="text-xs text-amber-700">The draft is the same as v{changes?.latest}.</p>}
          <div className="flex justify-end gap-2">
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={publish.isPending}>
              Publish v{next}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
