"use client";
import { Braces } from "lucide-react";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ScopeEntry } from "@/lib/flow/scope";

/**
 * "What can I use here?": a searchable list of what is in scope at this node. Choosing an entry
 * hands its expression back; the field inserts it at the cursor.
 */
export function ScopePicker(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  scope: () => ScopeEntry[];
  onPick: (expression: string) => void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  // Read the flow only when the list opens: a config panel must not re-render on every drag.
  const entries = useMemo(() => (props.open ? props.scope() : []), [props.open, props.scope]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? entries.filter((e) => `${e.expression} ${e.label}`.toLowerCase().includes(q)) : entries;
  }, [entries, query]);

  useEffect(() => {
    if (!props.open) return;
    setQuery("");
    setActive(0);
    search.current?.focus();
  }, [props.open]);

  const pick = (entry: ScopeEntry | undefined) => {
    if (!entry) return;
    props.onPick(entry.expression);
    props.onOpenChange(false);
  };

  return (
    <div className="relative">
      <button
        type="button"
        aria-label="Insert a reference"
        aria-expanded={props.open}
        title="Insert a reference (Ctrl+Space)"
        onClick={() => props.onOpenChange(!props.open)}
        className="flex items-center gap-1 rounded px-1.5 py-0.5 text-[11px] font-medium text-slate-500 hover:bg-slate-100 hover:text-accent-700"
      >
        <Braces size={12} /> Insert
      </button>
      {props.open && (
        <div
          role="dialog"
          aria-label="What is in scope"
          className="absolute top-6 right-0 z-30 w-72 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xl"
        >
          <input
            ref={search}
            aria-label="Search the scope"
            placeholder="input, nodes, item…"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown") setActive((a) => Math.min(a + 1, shown.length - 1));
              else if (e.key === "ArrowUp") setActive((a) => Math.max(a - 1, 0));
              else if (e.key === "Enter") pick(shown[active]);
              else if (e.key === "Escape") props.onOpenChange(false);
              else return;
              e.preventDefault();
              e.stopPropagation();
            }}
            className="w-full border-b border-slate-100 px-3 py-2 text-sm outline-none"
          />
          <div role="listbox" aria-label="References" className="max-h-64 overflow-y-auto py-1">
            {shown.length === 0 && <p className="px-3 py-2 text-xs text-slate-500">Nothing in scope matches.</p>}
            {shown.map((entry, i) => (
              <div
                key={entry.expression}
                role="option"
                tabIndex={-1}
                aria-selected={i === active}
                onMouseEnter={() => setActive(i)}
                onMouseDown={(e) => {
                  e.preventDefault(); // keep the field's cursor where it was
                  pick(entry);
                }}
                className={`cursor-pointer px-3 py-1.5 ${i === active ? "bg-accent-50" : ""}`}
              >
                <div className="flex items-baseline justify-between gap-2">
                  <code className="truncate font-mono text-xs text-slate-900">{entry.expression}</code>
                  <span className="shrink-0 text-[10px] text-slate-400 uppercase">{entry.group}</span>
                </div>
                <p className="truncate text-[11px] text-slate-500">
                  {entry.label !== entry.expression && `${entry.label} · `}
                  {entry.detail}
                </p>
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

/** The text with `insert` put at the selection, and where the cursor goes after it. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; cursor: number } {
  return { text: text.slice(0, start) + insert + text.slice(end), cursor: start + insert.length };
}
