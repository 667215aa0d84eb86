"use client";
import { ArrowLeft, History, Loader2, Play, Save } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { Button } from "../ui/button";
import { useEditor } from "./editor-context";
import type { SaveState } from "./editor-store";
import { VersionStatus } from "./versions/version-status";

const saveLabels: Record<SaveState, { text: string; tone: string }> = {
  saved: { text: "All changes saved", tone: "text-slate-500" },
  unsaved: { text: "Unsaved changes", tone: "text-amber-600" },
  saving: { text: "Saving…", tone: "text-slate-500" },
  error: { text: "Not saved", tone: "text-red-600" },
};

export function EditorToolbar({
  onSave,
  onRun,
  running,
  runBlocked,
  children,
}: {
  onSave: () => void;
  onRun: () => void;
  running: boolean;
  /** Why the flow cannot run now, if it cannot. */
  runBlocked?: string;
  /** Extra controls shown before Save. */
  children?: React.ReactNode;
}) {
  const name = useEditor((s) => s.name);
  const flowId = useEditor((s) => s.flowId);
  const saveState = useEditor((s) => s.saveState);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "s") {
        e.preventDefault(); // never the browser's "save page"
        onSave();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onSave]);

  useEffect(() => {
    if (saveState === "saved") return;
    // Leaving with unsaved edits asks first; autosave will make this rare.
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [saveState]);

  const label = saveLabels[saveState];
  return (
    <div className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-4">
      <Link
        href="/flows"
        aria-label="Back to flows"
        className="rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
      >
        <ArrowLeft size={18} />
      </Link>
      <h1 className="min-w-16 truncate text-base font-semibold text-slate-900" title={name}>
        {name}
      </h1>
      <VersionStatus />
      <span className={`shrink-0 text-xs whitespace-nowrap ${label.tone}`} data-testid="save-state" role="status">
        {label.text}
      </span>
      <div className="ml-auto flex items-center gap-2">
        {children}
        <Link
          href={`/runs?flow=${flowId}`}
          title="This flow's runs"
          className="inline-flex h-9 shrink-0 items-center gap-2 rounded-md px-3 text-sm font-medium whitespace-nowrap text-slate-600 hover:bg-slate-100"
        >
          <History size={16} /> Runs
        </Link>
        <Button onClick={onSave} disabled={saveState === "saving"} title="Save (Ctrl+S)">
          <Save size={16} /> Save
        </Button>
        <Button
          variant="primary"
          onClick={onRun}
          disabled={running || Boolean(runBlocked)}
          title={runBlocked ?? "Save and run"}
        >
          {running ? <Loader2 size={16} className="animate-spin" /> : <Play size={16} />} Run
        </Button>
      </div>
    </div>
  );
}
