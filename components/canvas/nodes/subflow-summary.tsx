"use client";
import { useCallTargets } from "../call-targets";

/** Which flow a sub-flow node calls, and which version, as its card says it. */
export function SubflowSummary({ data }: { data: Record<string, unknown> }) {
  const targets = useCallTargets();
  const flowId = typeof data.flowId === "string" ? data.flowId : "";
  if (!flowId) return <span className="text-amber-700">pick the flow to call</span>;
  const target = targets?.find((f) => f.id === flowId);
  if (targets && !target) return <span className="text-red-600">the called flow no longer exists</span>;
  const version = typeof data.version === "number" ? `v${data.version}` : "published";
  return (
    <span className="line-clamp-1">
      calls <span className="font-medium text-slate-700">{target?.name ?? "…"}</span> · {version}
      {data.wait === false ? " · does not wait" : ""}
    </span>
  );
}
