"use client";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

const shortcuts: [string, string][] = [
  ["Ctrl/⌘ + S", "Save now (edits also save by themselves)"],
  ["Ctrl/⌘ + Z", "Undo"],
  ["Shift + Ctrl/⌘ + Z, Ctrl + Y", "Redo"],
  ["Ctrl/⌘ + C, Ctrl/⌘ + V", "Copy and paste nodes (also into another flow or tab)"],
  ["Ctrl/⌘ + D", "Duplicate the selection"],
  ["Ctrl/⌘ + A", "Select every node"],
  ["Delete, Backspace", "Delete the selection"],
  ["Shift + click, Shift + drag", "Add to the selection, select with a box"],
  ["?", "Show this list"],
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {shortcuts.map(([keys, what]) => (
          <div key={keys} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                {keys}
              </kbd>
            </dt>
            <dd className="text-slate-600">{what}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-6 flex justify-end">
        <Button onClick={onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
