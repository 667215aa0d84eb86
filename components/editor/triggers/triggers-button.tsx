"use client";
import { useQuery } from "@tanstack/react-query";
import { Zap } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../../trpc";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { useFlowVersions } from "../versions/use-versions";
import { RunSettingsSection } from "./run-settings-section";
import { SchedulesSection } from "./schedules-section";
import { type Hook, WebhookSection } from "./webhook-section";

/** What starts the flow on its own: its webhook and its schedules, in one panel. */
export function TriggersButton({ flowId, initial }: { flowId: string; initial: Hook }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [hook, setHook] = useState<Hook>(initial);
  const schedules = useQuery(trpc.schedules.list.queryOptions({ flowId }));
  const versions = useFlowVersions(flowId);
  const active = (hook ? 1 : 0) + (schedules.data?.filter((s) => s.enabled).length ?? 0);
  return (
    <>
      <Button onClick={() => setOpen(true)} title="What starts this flow: webhook and schedules">
        <Zap size={16} /> Triggers
        {active > 0 && (
          <span className="rounded-full bg-accent-100 px-1.5 text-xs text-accent-700">
            {active}
            <span className="sr-only"> on</span>
          </span>
        )}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Triggers" wide>
        <div className="flex max-h-[70vh] flex-col gap-6 overflow-y-auto pr-1">
          <WebhookSection flowId={flowId} hook={hook} setHook={setHook} />
          <hr className="border-slate-100" />
          <SchedulesSection flowId={flowId} published={(versions.data?.length ?? 0) > 0} />
          <hr className="border-slate-100" />
          <RunSettingsSection flowId={flowId} />
        </div>
      </Dialog>
    </>
  );
}
