"use client";
import { Copy } from "lucide-react";
import { Button } from "./button";
import { toast } from "./toaster";

/** An icon button that puts `text` on the clipboard and says so ("Token copied"). */
export function CopyButton({ text, what }: { text: string; what: string }) {
  return (
    <Button
      size="sm"
      variant="ghost"
      aria-label={`Copy ${what}`}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(() => toast(`${what[0]!.toUpperCase()}${what.slice(1)} copied`))
      }
    >
      <Copy size={14} />
    </Button>
  );
}
