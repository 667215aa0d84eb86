"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";

/** `/invite/<token>`: what the link offers, and a button to join. */
export function InviteView({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const invite = useQuery(trpc.team.invite.queryOptions({ token }));
  const accept = useMutation(
    trpc.team.acceptInvite.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries();
        router.replace("/flows");
      },
    }),
  );
  return (
    <div className="flex min-h-[60vh] items-center justify-center p-8">
      <div className="w-full max-w-md rounded-xl border border-slate-200 bg-white p-8 text-center shadow-sm">
        <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-full bg-accent-50 text-accent-600">
          <UserPlus />
        </div>
        {invite.isPending && <p className="mt-4 text-sm text-slate-500">Checking the invite…</p>}
        {invite.data === null && (
          <>
            <h1 className="mt-4 text-lg font-semibold text-slate-900">This invite no longer works</h1>
            <p className="mt-1 text-sm text-slate-500">
              It expired or was revoked. Ask the person who sent it for a new one.
            </p>
          </>
        )}
        {invite.data && (
          <>
            <h1 className="mt-4 text-lg font-semibold text-slate-900">Join {invite.data.workspaceName}</h1>
            <p className="mt-1 text-sm text-slate-500">
              You are invited as <span className="font-medium text-slate-700">{invite.data.role}</span>. You will work
              in this workspace from now on.
            </p>
            {accept.error && (
              <p role="alert" className="mt-3 text-sm text-red-600">
                {accept.error.message}
              </p>
            )}
            <Button
              variant="primary"
              className="mt-6"
              disabled={accept.isPending}
              onClick={() => accept.mutate({ token })}
            >
              Join workspace
            </Button>
          </>
        )}
      </div>
    </div>
  );
}
