"use client";
import { AlertTriangle } from "lucide-react";
import { Button } from "@/components/ui/button";

/** Shown when a page of the app fails to render: say so plainly and offer a way back. */
export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-8 text-center" role="alert">
      <div className="flex h-12 w-12 items-center justify-center rounded-full bg-red-50 text-red-600">
        <AlertTriangle />
      </div>
      <h1 className="text-xl font-semibold text-slate-900">Something went wrong on this page</h1>
      <p className="max-w-md text-sm text-slate-600">
        Nothing you saved is lost. Try again; if it keeps happening, reload the page.
        {error.digest && <span className="mt-1 block font-mono text-xs text-slate-400">Reference: {error.digest}</span>}
      </p>
      <Button variant="primary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
