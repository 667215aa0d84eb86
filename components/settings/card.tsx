import type { ReactNode } from "react";

export function Card({ title, icon, children }: { title: string; icon: ReactNode; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-5">
      <h2 className="mb-3 flex items-center gap-2 font-semibold text-slate-900">
        <span className="text-slate-400">{icon}</span>
        {title}
      </h2>
      {children}
    </section>
  );
}
