"use client";
import { useQuery } from "@tanstack/react-query";
import { ExternalLink, Search } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { useEditor } from "../editor-context";
import { CodeInput, Field, Select } from "./fields";
import type { NodeForm } from "./node-form";

interface InputField {
  name: string;
  type?: string;
  required?: boolean;
}

/**
 * The flow a sub-flow node calls: searchable among the workspace's flows, with the version it
 * calls, a link to open it, and one expression per input field of the called flow's start node.
 */
export function SubflowField({ f, data }: { f: NodeForm; data: Record<string, unknown> }) {
  const trpc = useTRPC();
  // A flow may call itself (the chain stops at 8 deep): it is listed, marked.
  const self = useEditor((s) => s.flowId);
  const targets = useQuery(trpc.flows.callTargets.queryOptions());
  const [query, setQuery] = useState("");
  const chosenId = typeof data.flowId === "string" ? data.flowId : "";
  const chosen = targets.data?.find((t) => t.id === chosenId);
  const matches = (targets.data ?? []).filter((t) => t.name.toLowerCase().includes(query.trim().toLowerCase()));
  const fields = (Array.isArray(chosen?.inputs) ? chosen.inputs : []) as InputField[];
  const perField =
    typeof data.input === "object" && data.input !== null ? (data.input as Record<string, string>) : null;

  return (
    <>
      <Field label="Flow to call" error={f.error(["flowId"])}>
        {(id) => (
          <div className="flex flex-col gap-1.5">
            <div className="relative">
              <Search size={14} className="pointer-events-none absolute top-2 left-2 text-slate-400" />
              <input
                id={id}
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                placeholder={chosen ? chosen.name : "Search the workspace's flows"}
                className="h-8 w-full rounded-md border border-slate-300 pl-7 text-sm"
                aria-label="Search flows to call"
              />
            </div>
            <ul className="max-h-36 overflow-auto rounded-md border border-slate-200" aria-label="Flows">
              {matches.length === 0 && <li className="px-2.5 py-1.5 text-xs text-slate-500">No flow matches.</li>}
              {matches.map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    aria-pressed={t.id === chosenId}
                    onClick={() => {
                      f.set(["flowId"], t.id);
                      setQuery("");
                    }}
                    className={`flex w-full items-center justify-between px-2.5 py-1.5 text-left text-sm hover:bg-slate-50 ${t.id === chosenId ? "bg-accent-50 font-medium" : ""}`}
                  >
                    <span className="truncate">
                      {t.name}
                      {t.id === self && <span className="ml-1 text-xs font-normal text-slate-400">(this flow)</span>}
                    </span>
                    <span className="shrink-0 text-xs text-slate-500">
                      {t.publishedVersion ? `v${t.publishedVersion}` : "not published"}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
      </Field>
      {chosen && (
        <div className="flex items-center justify-between rounded-md bg-slate-50 px-2.5 py-2 text-xs text-slate-600">
          <span>
            {chosen.publishedVersion === null
              ? "It has never been published: a call fails until it is."
              : typeof data.version === "number"
                ? `Calls version ${data.version}.`
                : `Calls its newest published version (now v${chosen.publishedVersion}).`}
          </span>
          <Link href={`/flows/${chosen.id}`} target="_blank" className="inline-flex items-center gap-1 text-accent-700">
            Open <ExternalLink size={12} />
          </Link>
        </div>
      )}
      <Field label="Version" error={f.error(["version"])}>
        {(id) => (
          <Select
            id={id}
            value={typeof data.version === "number" ? String(data.version) : "published"}
            options={[
              { value: "published", label: "Newest published" },
              ...Array.from({ length: chosen?.publishedVersion ?? 0 }, (_, i) => ({
                value: String(i + 1),
                label: `Version ${i + 1}`,
              })),
            ]}
            onChange={(v) => f.set(["version"], v === "published" ? "published" : Number(v))}
          />
        )}
      </Field>
      {fields.length > 0 ? (
        <div className="flex flex-col gap-2">
          <p className="text-xs font-medium text-slate-700">Input</p>
          {fields.map((field) => (
            <Field
              key={field.name}
              label={`${field.name}${field.required ? " *" : ""}`}
              help={field.type ? `${field.type}; e.g. prev.${field.name}` : undefined}
              error={f.error(["input", field.name])}
            >
              {(id) => (
                <CodeInput
                  id={id}
                  form="expression"
                  rows={1}
                  value={perField?.[field.name] ?? ""}
                  invalid={!!f.error(["input", field.name])}
                  onChange={(v) => {
                    const next = { ...(perField ?? {}), [field.name]: v };
                    if (v === "") delete next[field.name];
                    f.set(["input"], Object.keys(next).length > 0 ? next : "prev");
                  }}
                />
              )}
            </Field>
          ))}
          {!perField && (
            <p className="text-xs text-slate-500">
              Now one expression for the whole input; a field you fill takes over.
            </p>
          )}
        </div>
      ) : (
        f.code(["input"], "Input", "expression", "The child run's input; prev by default.", 2)
      )}
      {f.toggle(["wait"], "Wait for it to finish (its output becomes this step's)")}
    </>
  );
}
