"use client";
import Link from "next/link";
import { create } from "zustand";

interface Toast {
  id: number;
  tone: "info" | "error" | "success";
  message: string;
  /** A place to go from the toast (e.g. the new task). */
  action?: { label: string; href: string };
}

const useToasts = create<{ toasts: Toast[] }>(() => ({ toasts: [] }));
let nextId = 1;

/** Shows a short message in the corner; errors stay longer. */
export function toast(message: string, tone: Toast["tone"] = "info", action?: Toast["action"]) {
  const id = nextId++;
  useToasts.setState((s) => ({ toasts: [...s.toasts, { id, tone, message, action }] }));
  setTimeout(
    () => useToasts.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    tone === "error" || action ? 8000 : 3500,
  );
}

const tones = {
  info: "bg-slate-900 text-white",
  success: "bg-emerald-600 text-white",
  error: "bg-red-600 text-white",
} as const;

export function Toaster() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div className="pointer-events-none fixed right-4 bottom-4 z-50 flex max-w-sm flex-col gap-2" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.tone === "error" ? "alert" : "status"}
          className={`rounded-lg px-4 py-3 text-sm shadow-lg ${tones[t.tone]}`}
        >
          {t.message}
          {t.action && (
            <Link
              href={t.action.href}
              className="pointer-events-auto ml-2 font-semibold underline underline-offset-2"
              onClick={() => useToasts.setState((s) => ({ toasts: s.toasts.filter((x) => x.id !== t.id) }))}
            >
              {t.action.label}
            </Link>
          )}
        </div>
      ))}
    </div>
  );
}
