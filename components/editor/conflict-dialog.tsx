"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { toast } from "../ui/toaster";
import { useEditor, useEditorStoreApi } from "./editor-context";

/**
 * Someone saved this flow after it was opened here. Nothing is overwritten: the user reloads
 * theirs (dropping the edits made here) or keeps these edits as a new flow.
 */
export function ConflictDialog() {
  const trpc = useTRPC();
  const router = useRouter();
  const store = useEditorStoreApi();
  const conflict = useEditor((s) => s.conflict);
  const keepCopy = useMutation(
    trpc.flows.import.mutationOptions({
      onSuccess: ({ id }) => {
        store.getState().setSaveState("saved"); // these edits now live in the copy
        toast("Your version was saved as a copy");
        router.push(`/flows/${id}`);
      },
      onError: (e) => toast(e.message, "error"),
    }),
  );
  const reloadTheirs = () => {
    store.getState().setSaveState("saved"); // leave without the unsaved-changes prompt
    window.location.reload();
  };
  return (
    <Dialog open={conflict} onClose={() => {}} title="This flow changed elsewhere">
      <p className="text-sm text-slate-600">
        Someone saved a newer version after you opened it (maybe you, in another tab). Your edits here were not saved
        and nothing was overwritten. What should happen to them?
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button onClick={reloadTheirs}>Reload theirs</Button>
        <Button
          variant="primary"
          disabled={keepCopy.isPending}
          onClick={() => {
            const document = store.getState().document();
            keepCopy.mutate({ document: { ...document, name: `${document.name} (my copy)` } });
          }}
        >
          Keep mine as a copy
        </Button>
      </div>
    </Dialog>
  );
}
