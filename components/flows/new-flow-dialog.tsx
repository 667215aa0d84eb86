"use client";
import { useQuery } from "@tanstack/react-query";
import { FilePlus2, LayoutTemplate } from "lucide-react";
import { type FormEvent, useEffect, useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";
import { TextField } from "../ui/text-field";

/** Name a new flow and start blank or from a template of the gallery. */
export function NewFlowDialog(props: {
  open: boolean;
  busy: boolean;
  error?: string;
  onClose: () => void;
  onCreate: (input: { name: string; template?: string }) => void;
}) {
  const trpc = useTRPC();
  const templates = useQuery({
    ...trpc.flows.templates.queryOptions(),
    enabled: props.open,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [name, setName] = useState("");
  const [template, setTemplate] = useState<string | undefined>();
  useEffect(() => {
    if (props.open) {
      setName("");
      setTemplate(undefined);
    }
  }, [props.open]);
  const choose = (id: string | undefined, title?: string) => {
    setTemplate(id);
    if (title && (!name || templates.data?.some((t) => t.title === name))) setName(title);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) props.onCreate({ name: name.trim(), ...(template && { template }) });
  };
  const options = [
    { id: undefined, title: "Blank flow", summary: "A start joined to an end." },
    ...(templates.data ?? []),
  ];
  return (
    <Dialog open={props.open} onClose={props.onClose} title="New flow" wide>
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
        <fieldset>
          <legend className="mb-2 text-sm font-medium text-slate-700">Start from</legend>
          <div className="grid max-h-80 grid-cols-2 gap-2 overflow-y-auto">
            {options.map((option) => {
              const selected = option.id === template;
              const Icon = option.id ? LayoutTemplate : FilePlus2;
              return (
                <label
                  key={option.id ?? "blank"}
                  className={`flex cursor-pointer gap-3 rounded-lg border p-3 text-left transition-colors ${
                    selected
                      ? "border-accent-500 bg-accent-50 ring-1 ring-accent-500"
                      : "border-slate-200 hover:bg-slate-50"
                  }`}
                >
                  <input
                    type="radio"
                    name="template"
                    className="sr-only"
                    checked={selected}
                    onChange={() => choose(option.id, option.id ? option.title : undefined)}
                  />
                  <Icon size={18} className="mt-0.5 shrink-0 text-accent-600" />
                  <span>
                    <span className="block text-sm font-medium text-slate-900">{option.title}</span>
                    <span className="block text-xs text-slate-500">{option.summary}</span>
                  </span>
                </label>
              );
            })}
          </div>
        </fieldset>
        <div className="flex justify-end gap-2">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={props.busy || !name.trim()}>
            Create flow
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
