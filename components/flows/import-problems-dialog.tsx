"use client";
import { AlertCircle } from "lucide-react";
import { type FlowProblem, formatPath } from "@/lib/flow/problems";
import { Button } from "../ui/button";
import { Dialog } from "../ui/dialog";

/** Why a file could not be imported: every problem with its place in the file. Nothing was created. */
export function ImportProblemsDialog(props: { problems: FlowProblem[]; message?: string; onClose: () => void }) {
  return (
    <Dialog open={Boolean(props.message)} onClose={props.onClose} title="This file was not imported">
      {/* The server's message names the first problem: with the list below it would say it twice. */}
      <p className="text-sm text-slate-600">
        {props.problems.length > 0
          ? `${props.problems.length} problem${props.problems.length === 1 ? "" : "s"} to fix in the file:`
          : props.message}
      </p>
      {props.problems.length > 0 && (
        <ul
          className="mt-3 max-h-64 overflow-y-auto rounded-md border border-slate-200 text-xs"
          data-testid="import-problems"
        >
          {props.problems.map((p, i) => (
            <li key={i} className="flex gap-2 border-b border-slate-100 px-3 py-2 last:border-0">
              <AlertCircle size={13} className="mt-0.5 shrink-0 text-red-500" />
              <span>
                <span className="font-mono text-slate-700">{formatPath(p.path)}</span>{" "}
                <span className="text-slate-600">{p.message}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-5 flex justify-end">
        <Button onClick={props.onClose}>Close</Button>
      </div>
    </Dialog>
  );
}
