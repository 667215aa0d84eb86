"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useWorkspaceEvent } from "../shell/use-workspace-event";
import { useTRPC } from "../trpc";
import { toast } from "../ui/toaster";

/**
 * Keeps every inbox query fresh while the app is open and toasts tasks that newly wait for
 * the signed-in person. Returns the counts for the nav badge.
 */
export function useInboxLive() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const counts = useQuery(trpc.inbox.counts.queryOptions());
  const mine = useQuery(trpc.inbox.list.queryOptions({ tab: "mine", pageSize: 50 }));
  useWorkspaceEvent("inbox:changed", () => void queryClient.invalidateQueries({ queryKey: trpc.inbox.pathKey() }));

  const seen = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!mine.data) return;
    const ids = mine.data.map((t) => t.id);
    if (seen.current) {
      const fresh = mine.data.filter((t) => !seen.current!.has(t.id));
      for (const task of fresh.slice(0, 3))
        toast(`New approval request: ${task.title}`, "info", { label: "Open", href: `/inbox?task=${task.id}` });
      if (fresh.length > 3) toast(`…and ${fresh.length - 3} more approval requests`);
    }
    seen.current = new Set([...(seen.current ?? []), ...ids]);
  }, [mine.data]);
  return counts.data;
}
