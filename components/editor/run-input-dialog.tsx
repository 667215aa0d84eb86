"use client";
import { type FormEvent, useEffect, useState } from "react";
import type { StartData } from "@/lib/flow/kinds/start";
import { runInputSchema } from "@/lib/flow/kinds/start";
import { formatPath } from "@/lib/flow/problems";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

type Field = StartData["inputs"][number];

function toValue(field: Field, raw: string | boolean): unknown {
  if (field.type === "boolean") return raw === true;
  if (raw === "") return undefined;
  if (field.type === "number") return Number(raw);
  if (field.type === "object" || field.type === "array") {
    try {
      return JSON.parse(String(raw));
    } catch {
      return raw; // the schema reports it
    }
  }
  return raw;
}

/** Asks for the run input the start node declares, checked with the same schema as the server. */
export function RunInputDialog(props: {
  open: boolean;
  fields: Field[];
  initial: Record<string, unknown>;
  onClose: () => void;
  onRun: (input: Record<string, unknown>) => void;
}) {
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!props.open) return;
    const start: Record<string, string | boolean> = {};
    for (const f of props.fields) {
      const v = props.initial[f.name] ?? f.default;
      start[f.name] =
        f.type === "boolean" ? v === true : v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v);
    }
    setValues(start);
    setError(undefined);
  }, [props.open, props.fields, props.initial]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = Object.fromEntries(
      props.fields.map((f) => [f.name, toValue(f, values[f.name] ?? "")]).filter(([, v]) => v !== undefined),
    );
    const parsed = runInputSchema(props.fields).safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      setError(`${formatPath(issue.path as (string | number)[])}: ${issue.message}`);
      return;
    }
    props.onRun(parsed.data);
  };

  return (
    <Dialog open={props.open} onClose={props.onClose} title="Run with this input">
      <form onSubmit={submit} className="flex flex-col gap-3">
        {props.fields.map((f) => (
          <div key={f.name} className="flex flex-col gap-1 text-sm">
            <label htmlFor={`run-input-${f.name}`} className="font-medium text-slate-700">
              {f.name}
              {f.required && <span className="text-red-500"> *</span>}{" "}
              <span className="text-xs font-normal text-slate-400">{f.type}</span>
            </label>
            {f.type === "boolean" ? (
              <input
                id={`run-input-${f.name}`}
                type="checkbox"
                checked={values[f.name] === true}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.checked }))}
                className="h-4 w-4"
              />
            ) : f.type === "object" || f.type === "array" ? (
              <textarea
                id={`run-input-${f.name}`}
                rows={3}
                className="rounded-md border border-slate-300 px-2 py-1 font-mono text-xs"
                value={String(values[f.name] ?? "")}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
                placeholder={f.type === "array" ? "[ … ]" : "{ … }"}
              />
            ) : (
              <input
                id={`run-input-${f.name}`}
                type={f.type === "number" ? "number" : "text"}
                step="any"
                className="h-9 rounded-md border border-slate-300 px-2"
                value={String(values[f.name] ?? "")}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              />
            )}
            {f.description && <span className="text-xs text-slate-500">{f.description}</span>}
          </div>
        ))}
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        )}
        <div className="mt-2 flex justify-end gap-2">
          <Button onClick={props.onClose}>Cancel</Button>
          <Button type="submit" variant="primary">
            Run
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
