"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { createContext, type ReactNode, useContext } from "react";
import type { AppRouter } from "@/server/api/root";
import { useTRPC } from "../trpc";

type CallTargets = inferRouterOutputs<AppRouter>["flows"]["callTargets"];

const CallTargetsContext = createContext<CallTargets | undefined>(undefined);

/** The flows sub-flow cards name, fetched once for a canvas (the editor, the run view). */
export function CallTargetsProvider({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const targets = useQuery({ ...trpc.flows.callTargets.queryOptions(), staleTime: 30_000 });
  return <CallTargetsContext.Provider value={targets.data}>{children}</CallTargetsContext.Provider>;
}

/** The flows a sub-flow node may call; undefined while loading (or outside a provider). */
export const useCallTargets = () => useContext(CallTargetsContext);
