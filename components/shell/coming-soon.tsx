import type { ReactNode } from "react";

/** The empty state of a section that is planned but not built yet. */
export function ComingSoon({ title, icon, children }: { title: string; icon: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto max-w-5xl p-8">
      <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
      <div className="mt-8 flex flex-col items-center rounded-xl border border-dashed border-slate-300 bg-white px-6 py-16 text-center">
        <div className="flex h-12 w-12 items-center justify-center rounded-full bg-slate-100 text-slate-500">
          {icon}
        </div>
        <p className="mt-4 max-w-md text-sm text-slate-600">{children}</p>
      </div>
    </div>
  );
}
