"use client";
import { useQuery } from "@tanstack/react-query";
import { type Capability, may } from "@/lib/auth/capabilities";
import { useTRPC } from "../trpc";

/**
 * Whether the signed-in member may do `capability` in their workspace (the server's own rule,
 * lib/auth/capabilities.ts), and their role. Until it is known: false, so nothing is offered
 * that would then be refused.
 */
export function useCapability(capability: Capability): { allowed: boolean; role: string | undefined } {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const role = me.data?.workspace?.role;
  return { allowed: role !== undefined && may(role, capability), role };
}
