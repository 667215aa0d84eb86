"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { type ChangeEvent, useRef, useState } from "react";
import { parseFlowFile } from "@/lib/flow/flow-file";
import type { FlowProblem } from "@/lib/flow/problems";
import { useTRPC } from "../trpc";
import { toast } from "../ui/toaster";

/** Opens a flow file from disk, imports it through the server's checks, and reports problems. */
export function useImportFlow(onImported: (id: string) => void) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<FlowProblem[]>([]);
  const [message, setMessage] = useState<string>();
  const importFlow = useMutation(trpc.flows.import.mutationOptions());

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    let document: unknown;
    try {
      document = parseFlowFile(file.name, await file.text()); // JSON or YAML
    } catch (error) {
      setMessage((error as Error).message);
      setProblems([]);
      return;
    }
    try {
      const result = await importFlow.mutateAsync({ document });
      void queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
      const name = (document as { name?: unknown }).name;
      const what = typeof name === "string" && name.trim() ? `“${name.trim()}”` : "the flow";
      toast(
        result.problems.length > 0
          ? `Imported ${what}, with ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} to fix before running`
          : `Imported ${what}`,
        "success",
      );
      onImported(result.id);
    } catch (error) {
      const details =
        error instanceof TRPCClientError
          ? (error.data?.details as { problems?: FlowProblem[] } | undefined)
          : undefined;
      setMessage(error instanceof Error ? error.message : "The file could not be imported.");
      setProblems(details?.problems ?? []);
    }
  }

  return {
    pick: () => inputRef.current?.click(),
    busy: importFlow.isPending,
    problems,
    message,
    dismiss: () => {
      setMessage(undefined);
      setProblems([]);
    },
    input: (
      <input
        ref={inputRef}
        type="file"
        accept="application/json,.json,.yaml,.yml,application/yaml"
        className="hidden"
        onChange={onFile}
        data-testid="import-file"
      />
    ),
  };
}
