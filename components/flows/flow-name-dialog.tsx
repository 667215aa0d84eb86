"use client";
import { type FormEvent, useEffect, useState } from "react";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextField } from "../ui/text-field";

export function FlowNameDialog(props: {
  open: boolean;
  title: string;
  submitLabel: string;
  initialName: string;
  busy: boolean;
  error?: string;
  onClose: () => void;
  onSubmit: (name: string) => void;
}) {
  const [name, setName] = useState(props.initialName);
  useEffect(() => {
    if (props.open) setName(props.initialName);
  }, [props.open, props.initialName]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) props.onSubmit(name.trim());
  };
  return (
    <Dialog open={props.open} onClose={props.onClose} title={props.title}>
      <form onSubmit={submit} className="flex flex-col gap-4">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoFocus
          required
          maxLength={200}
          placeholder="e.g. Contract review"
          error={props.error}
        />
        <div className="flex justify-end gap-2">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={props.busy || !name.trim()}>
            {props.submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
