"use client";
import { ChevronDown, ChevronRight, Copy } from "lucide-react";
import { useState } from "react";
import { toast } from "../../ui/toaster";

/** A JSON value as a tree: objects and arrays fold open and shut; Copy takes the whole value. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  return (
    <div className="relative rounded-lg bg-slate-50 ring-1 ring-slate-200">
      <button
        type="button"
        aria-label={`Copy ${label}`}
        title="Copy as JSON"
        onClick={() => {
          void navigator.clipboard?.writeText(JSON.stringify(value, null, 2));
          toast(`Copied ${label}`);
        }}
        className="absolute top-1.5 right-1.5 rounded p-1 text-slate-400 hover:bg-white hover:text-slate-700"
      >
        <Copy size={13} />
      </button>
      <div className="max-h-80 overflow-auto p-2.5 pr-8 font-mono text-xs leading-5" data-testid={`json-${label}`}>
        <JsonNode value={value} depth={0} />
      </div>
    </div>
  );
}

function JsonNode({ value, depth, name }: { value: unknown; depth: number; name?: string }) {
  const [open, setOpen] = useState(depth < 2);
  const key = name !== undefined && <span className="text-slate-500">{name}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div className="break-all whitespace-pre-wrap">
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const [openMark, closeMark] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0)
    return (
      <div>
        {key}
        <span className="text-slate-500">{`${openMark}${closeMark}`}</span>
      </div>
    );
  return (
    <div>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="-ml-3.5 inline-flex items-center text-left hover:text-accent-700"
        aria-expanded={open}
      >
        {open ? <ChevronDown size={12} /> : <ChevronRight size={12} />}
        <span className="ml-0.5">
          {key}
          <span className="text-slate-500">
            {openMark}
            {!open && ` ${entries.length} ${Array.isArray(value) ? "items" : "keys"} ${closeMark}`}
          </span>
        </span>
      </button>
      {open && (
        <div className="ml-1.5 border-l border-slate-200 pl-3.5">
          {entries.slice(0, 500).map(([k, v]) => (
            <JsonNode key={k} name={Array.isArray(value) ? undefined : k} value={v} depth={depth + 1} />
          ))}
          {entries.length > 500 && (
            <div className="text-slate-400">… {entries.length - 500} more (copy to see all)</div>
          )}
        </div>
      )}
      {open && <span className="text-slate-500">{closeMark}</span>}
    </div>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (typeof value === "string") return <span className="text-emerald-700">"{value}"</span>;
  if (typeof value === "number") return <span className="text-sky-700">{value}</span>;
  if (typeof value === "boolean") return <span className="text-violet-700">{String(value)}</span>;
  return <span className="text-slate-400">null</span>;
}
