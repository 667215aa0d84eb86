"use client";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

export function DeleteFlowDialog(props: {
  open: boolean;
  name: string;
  busy: boolean;
  onClose: () => void;
  onConfirm: () => void;
}) {
  return (
    <Dialog open={props.open} onClose={props.onClose} title="Delete this flow?">
      <p className="text-sm text-slate-600">
        <span className="font-medium text-slate-900">{props.name}</span> and the history of its runs will be deleted.
        This cannot be undone.
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <Button onClick={props.onClose}>Cancel</Button>
        <Button variant="danger" onClick={props.onConfirm} disabled={props.busy}>
          Delete flow
        </Button>
      </div>
    </Dialog>
  );
}
