"use client";
import { Plus, Trash2 } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "../../ui/button";
import { getAt, type Path } from "./fields";
import type { NodeForm } from "./node-form";

/** A list in a node's data, one card per item, with Remove on each and Add below. */
export function ListEditor(props: {
  f: NodeForm;
  data: Record<string, unknown>;
  path: Path;
  addLabel: string;
  blank: () => Record<string, unknown>;
  row: (index: number) => ReactNode;
}) {
  const items = (getAt(props.data, props.path) as unknown[] | undefined) ?? [];
  return (
    <div className="flex flex-col gap-3">
      {items.map((_, i) => (
        <div key={i} className="relative flex flex-col gap-2 rounded-lg border border-slate-200 p-3">
          <button
            type="button"
            aria-label="Remove"
            onClick={() =>
              props.f.set(
                props.path,
                items.filter((__, j) => j !== i),
              )
            }
            className="absolute top-2 right-2 rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-red-600"
          >
            <Trash2 size={14} />
          </button>
          {props.row(i)}
        </div>
      ))}
      <Button size="sm" onClick={() => props.f.set(props.path, [...items, props.blank()])}>
        <Plus size={14} /> {props.addLabel}
      </Button>
    </div>
  );
}
