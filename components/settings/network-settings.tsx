"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Network } from "lucide-react";
import { useEffect, useState } from "react";
import { outboundAllowSchema } from "@/lib/settings/outbound-allow";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { toast } from "../ui/toaster";
import { Card } from "./card";

/**
 * Which private addresses this workspace's flows may reach (a self-hosted model, a LAN
 * service). Everything public is reachable; loopback, private and link-local are not unless
 * listed here. Owners edit the list, one entry per line.
 */
export function NetworkSettings({ isOwner }: { isOwner: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const saved = useQuery(trpc.settings.outboundAllow.queryOptions());
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (saved.data) setText(saved.data.join("\n"));
  }, [saved.data]);
  const save = useMutation(
    trpc.settings.setOutboundAllow.mutationOptions({
      onSuccess: () => {
        setProblem(null);
        toast("Network settings saved", "success");
        void queryClient.invalidateQueries({ queryKey: trpc.settings.outboundAllow.queryKey() });
      },
      onError: (e) => setProblem(e.message),
    }),
  );
  const entries = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const changed = saved.data !== undefined && entries.join("\n") !== saved.data.join("\n");
  return (
    <Card title="Network" icon={<Network size={16} />}>
      <p className="mb-3 text-sm text-slate-600">
        Flows reach any public address. Loopback, private and link-local addresses are blocked unless listed here, e.g.
        a self-hosted model at <code className="rounded bg-slate-100 px-1">ollama.lan</code> or{" "}
        <code className="rounded bg-slate-100 px-1">10.0.0.0/8</code>.
      </p>
      <label htmlFor="outbound-allow" className="text-xs font-medium text-slate-700">
        Private hosts, IP addresses or CIDR ranges flows may reach (one per line)
      </label>
      <textarea
        id="outbound-allow"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        disabled={!isOwner || saved.data === undefined}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? "outbound-allow-problem" : "outbound-allow-hint"}
        rows={4}
        placeholder={isOwner ? "ollama.lan\n192.168.1.20\n10.0.0.0/8" : "Nothing allowed"}
        className="mt-1 w-full rounded-md border border-slate-300 px-2.5 py-2 font-mono text-sm outline-none focus:border-accent-500 focus:ring-2 focus:ring-accent-100 disabled:bg-slate-50"
      />
      <p id="outbound-allow-hint" className="mt-1 text-xs text-slate-500">
        A host name, an IP address or a range; leave out http:// and the port.
      </p>
      {problem && (
        <p
          id="outbound-allow-problem"
          role="alert"
          className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700"
        >
          {problem}
        </p>
      )}
      {isOwner ? (
        <div className="mt-3 flex items-center gap-3">
          <Button
            variant="primary"
            disabled={!changed || save.isPending}
            onClick={() => {
              // Checked here first so the problem names the entry; the server checks again.
              const checked = outboundAllowSchema.safeParse(entries);
              if (checked.success) save.mutate({ entries: checked.data });
              else {
                const issue = checked.error.issues[0]!;
                setProblem(
                  typeof issue.path[0] === "number" ? `Entry ${issue.path[0] + 1}: ${issue.message}` : issue.message,
                );
              }
            }}
          >
            Save
          </Button>
          {changed && <span className="text-xs text-slate-500">Unsaved changes</span>}
        </div>
      ) : (
        <p className="mt-2 text-xs text-slate-500">Only owners change this.</p>
      )}
    </Card>
  );
}
