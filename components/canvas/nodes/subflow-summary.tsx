"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { pageSocket } from "../../page-socket";
import { useNodeInstance } from "../../runs/run-context";
import { createRunStore } from "../../runs/run-store";
import { watchRun } from "../../runs/use-run-watch";
import { useCallTargets } from "../call-targets";

/** Which flow a sub-flow node calls, and which version; in a run, its child run's status, live, with a link. */
export function SubflowSummary({ data, nodeId }: { data: Record<string, unknown>; nodeId: string }) {
  const targets = useCallTargets();
  const childId = useNodeInstance(nodeId)?.parked?.runId;
  const flowId = typeof data.flowId === "string" ? data.flowId : "";
  if (!flowId) return <span className="text-amber-700">pick the flow to call</span>;
  const target = targets?.find((f) => f.id === flowId);
  if (targets && !target) return <span className="text-red-600">the called flow no longer exists</span>;
  const version = typeof data.version === "number" ? `v${data.version}` : "published";
  return (
    <span className="flex flex-col gap-1">
      <span className="line-clamp-1">
        calls <span className="font-medium text-slate-700">{target?.name ?? "…"}</span> · {version}
        {data.wait === false ? " · does not wait" : ""}
      </span>
      {childId && <ChildRun runId={childId} />}
    </span>
  );
}

/** The child run's status, folded from its events over the page's socket, and a link to it. */
function ChildRun({ runId }: { runId: string }) {
  const [store] = useState(createRunStore);
  const [status, setStatus] = useState(store.getState().run.status);
  useEffect(() => {
    store.getState().watch(runId);
    const unsubscribe = store.subscribe((s) => setStatus(s.run.status));
    const stop = watchRun(pageSocket.acquire(), store, runId);
    return () => {
      stop();
      unsubscribe();
      pageSocket.release();
    };
  }, [store, runId]);
  return (
    <Link
      href={`/runs/${runId}`}
      data-testid="child-run"
      data-status={status}
      className="nodrag inline-flex w-fit items-center gap-1 rounded bg-fuchsia-50 px-1.5 py-0.5 text-[11px] font-medium text-fuchsia-700 hover:underline"
      onClick={(e) => e.stopPropagation()}
    >
      child run · {status} →
    </Link>
  );
}
