"use client";
import { Search } from "lucide-react";
import { type DragEvent, useMemo, useState } from "react";
import { type NodeType, nodeKinds, nodeTypes } from "@/lib/flow/kinds";
import { kindLooks } from "../canvas/kind-looks";

export const KIND_MIME = "application/x-switchyard-kind";
const groups = ["Flow", "Steps", "Logic", "People"] as const;

/** Every node kind, grouped and searchable: drag one onto the canvas, or click to add it. */
export function Palette({ onAdd }: { onAdd: (type: NodeType) => void }) {
  const [query, setQuery] = useState("");
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return nodeTypes.filter(
      (t) => !q || `${nodeKinds[t].title} ${nodeKinds[t].description} ${t}`.toLowerCase().includes(q),
    );
  }, [query]);

  const onDragStart = (event: DragEvent, type: NodeType) => {
    event.dataTransfer.setData(KIND_MIME, type);
    event.dataTransfer.effectAllowed = "copy";
  };

  return (
    <aside aria-label="Node palette" className="flex w-64 shrink-0 flex-col border-r border-slate-200 bg-white">
      <div className="border-b border-slate-100 p-3">
        <label className="relative block">
          <span className="sr-only">Search nodes</span>
          <Search size={15} className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-slate-400" />
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Search nodes"
            className="h-8 w-full rounded-md border border-slate-200 bg-slate-50 pr-2 pl-8 text-sm outline-none focus:border-accent-500 focus:bg-white"
          />
        </label>
      </div>
      <div className="flex-1 overflow-y-auto p-3">
        {groups.map((group) => {
          const kinds = shown.filter((t) => kindLooks[t].group === group);
          if (kinds.length === 0) return null;
          return (
            <section key={group} className="mb-4">
              <h3 className="mb-1.5 px-1 text-[11px] font-semibold tracking-wide text-slate-400 uppercase">{group}</h3>
              <ul className="flex flex-col gap-1">
                {kinds.map((type) => {
                  const look = kindLooks[type];
                  const Icon = look.icon;
                  return (
                    <li key={type}>
                      <button
                        type="button"
                        draggable
                        onDragStart={(e) => onDragStart(e, type)}
                        onClick={() => onAdd(type)}
                        data-testid={`palette-${type}`}
                        title={`Drag onto the canvas, or click to add: ${nodeKinds[type].description}`}
                        className="flex w-full cursor-grab items-start gap-2.5 rounded-lg p-2 text-left hover:bg-slate-50 active:cursor-grabbing"
                      >
                        <span className={`flex h-8 w-8 shrink-0 items-center justify-center rounded-md ${look.tone}`}>
                          <Icon size={16} strokeWidth={1.8} />
                        </span>
                        <span className="min-w-0">
                          <span className="block text-sm font-medium text-slate-800">{nodeKinds[type].title}</span>
                          <span className="block text-xs leading-snug text-slate-500">
                            {nodeKinds[type].description}
                          </span>
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
        {shown.length === 0 && <p className="px-1 text-sm text-slate-500">No node matches “{query}”.</p>}
      </div>
    </aside>
  );
}
