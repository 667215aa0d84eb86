"use client";
import { Copy, Trash2, X } from "lucide-react";
import { useMemo } from "react";
import { useShallow } from "zustand/react/shallow";
import { isNodeType, nodeKind } from "@/lib/flow/kinds";
import { formatPath } from "@/lib/flow/problems";
import { scopeAt } from "@/lib/flow/scope";
import { kindLooks } from "../../canvas/kind-looks";
import { Button } from "../../ui/button";
import { toast } from "../../ui/toaster";
import { useEditor, useEditorStoreApi } from "../editor-context";
import { kindForms } from "./kind-forms";
import { nodeForm, Section } from "./node-form";

/** The one selected node, if exactly one is. */
function onlySelected<T extends { selected?: boolean }>(nodes: readonly T[]): T | undefined {
  let found: T | undefined;
  for (const n of nodes) {
    if (!n.selected) continue;
    if (found) return undefined;
    found = n;
  }
  return found;
}

/** The selected node's settings: a form per kind, checked against the kind's schema as you type. */
export function ConfigPanel() {
  const store = useEditorStoreApi();
  // Only what the form shows: dragging the selected node changes its position on every frame,
  // which must not re-render the form.
  const selected = useEditor(
    useShallow((s) => {
      const node = onlySelected(s.nodes);
      return node && { id: node.id, type: node.type, data: node.data };
    }),
  );
  const errors = useMemo(() => {
    const map = new Map<string, string>();
    if (!selected?.type || !isNodeType(selected.type)) return map;
    const parsed = nodeKind(selected.type).dataSchema.safeParse(selected.data);
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        map.set(formatPath(issue.path as (string | number)[]).replace(/\[(\d+)\]/g, ".$1"), issue.message);
    return map;
  }, [selected]);

  if (!selected?.type || !isNodeType(selected.type)) return null;
  const type = selected.type;
  const look = kindLooks[type];
  const Icon = look.icon;
  const scope = () => scopeAt(store.getState().document(), selected.id);
  const f = nodeForm(
    selected.data,
    errors,
    (data, key) => store.getState().updateNodeData(selected.id, data, key),
    scope,
  );

  return (
    <aside
      aria-label="Node settings"
      className="flex w-80 shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white"
      data-testid="config-panel"
    >
      <div className="flex items-center gap-3 px-4 pt-4 pb-3">
        <span className={`flex h-9 w-9 items-center justify-center rounded-lg ${look.tone}`}>
          <Icon size={18} strokeWidth={1.8} />
        </span>
        <div className="min-w-0 flex-1">
          <p className="text-sm font-semibold text-slate-900">{nodeKind(type).title}</p>
          <button
            type="button"
            className="flex items-center gap-1 font-mono text-xs text-slate-500 hover:text-slate-800"
            title="Copy the id; expressions use it, e.g. nodes.id.output"
            onClick={() => {
              void navigator.clipboard?.writeText(selected.id);
              toast(`Copied ${selected.id}`);
            }}
          >
            {selected.id} <Copy size={11} />
          </button>
        </div>
        <button
          type="button"
          aria-label="Close settings"
          onClick={() => store.getState().select(null)}
          className="rounded p-1 text-slate-400 hover:bg-slate-100"
        >
          <X size={16} />
        </button>
      </div>
      <div className="flex flex-col gap-3 px-4 pb-4">
        {f.text(["label"], "Label", "Renaming never breaks references: expressions use the id.")}
      </div>
      {kindForms[type](f, selected.data)}
      <Section title="Node">
        <Button
          variant="ghost"
          size="sm"
          className="self-start text-red-600 hover:bg-red-50 hover:text-red-700"
          onClick={() => store.getState().removeNodes([selected.id])}
        >
          <Trash2 size={14} /> Delete node
        </Button>
      </Section>
    </aside>
  );
}
