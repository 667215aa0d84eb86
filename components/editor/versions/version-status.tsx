"use client";
import { relativeTime } from "../../ui/relative-time";
import { useNow } from "../../ui/use-now";
import { useEditor } from "../editor-context";
import { useDraftChanges, useFlowVersions } from "./use-versions";

/** The header's answer to "what am I looking at": the draft and how it stands against the newest version. */
export function VersionStatus() {
  const flowId = useEditor((s) => s.flowId);
  const versions = useFlowVersions(flowId);
  const changes = useDraftChanges(flowId);
  const now = useNow(60_000);
  const latest = versions.data?.[0];
  if (changes === undefined) return <span className="h-5 w-24 animate-pulse rounded bg-slate-100" />;
  const [text, tone, title] =
    changes === null
      ? ["Draft · never published", "bg-amber-50 text-amber-800 ring-amber-200", "Webhooks run only published versions"]
      : changes.same && latest
        ? [
            `v${latest.version} · published${latest.publishedBy ? ` by ${latest.publishedBy.split(" ")[0]}` : ""}, ${relativeTime(new Date(latest.publishedAt), now)}`,
            "bg-emerald-50 text-emerald-800 ring-emerald-200",
            latest.message || "The draft is the published version",
          ]
        : [
            `Draft · changed since v${changes.latest}`,
            "bg-sky-50 text-sky-800 ring-sky-200",
            "Webhooks still run the published version until you publish",
          ];
  return (
    <span
      className={`shrink-0 rounded px-1.5 py-0.5 text-xs whitespace-nowrap ring-1 ${tone}`}
      title={title}
      data-testid="version-status"
    >
      {text}
    </span>
  );
}
