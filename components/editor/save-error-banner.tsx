"use client";
import { AlertTriangle } from "lucide-react";
import { useEditor } from "./editor-context";

/** Why the last save failed, kept on screen until the next save succeeds. */
export function SaveErrorBanner() {
  const error = useEditor((s) => s.saveError);
  if (!error) return null;
  return (
    <div
      role="alert"
      data-testid="save-error"
      className="flex items-start gap-2 border-b border-red-200 bg-red-50 px-4 py-2.5 text-sm text-red-800"
    >
      <AlertTriangle size={16} className="mt-0.5 shrink-0" />
      <span>{error}</span>
    </div>
  );
}
