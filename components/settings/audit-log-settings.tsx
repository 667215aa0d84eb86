"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, ScrollText } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../trpc";
import { Button } from "../ui/button";
import { downloadFile } from "../ui/download-file";
import { formatWhen } from "../ui/format";
import { toast } from "../ui/toaster";
import { Card } from "./card";

const PAGE_SIZE = 25;
/** How many entries one CSV export carries at most. */
const EXPORT_LIMIT = 10_000;

const csvCell = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Settings → Audit log (owners): who changed what, newest first, filtered by action, a page at a time, as CSV. */
export function AuditLogSettings() {
  const trpc = useTRPC();
  const client = useQueryClient();
  const [action, setAction] = useState("");
  const [page, setPage] = useState(0);
  const filter = { action: action || undefined };
  const log = useQuery({
    ...trpc.audit.list.queryOptions({ ...filter, page, pageSize: PAGE_SIZE }),
    placeholderData: (previous) => previous,
  });
  const actions = useQuery(trpc.audit.actions.queryOptions());
  const total = log.data?.total ?? 0;

  const exportCsv = async () => {
    const rows: unknown[][] = [["seq", "at", "actor", "actorType", "action", "target", "details", "hash"]];
    for (let p = 0; p * 200 < Math.min(total, EXPORT_LIMIT); p++) {
      const chunk = await client.fetchQuery(trpc.audit.list.queryOptions({ ...filter, page: p, pageSize: 200 }));
      for (const e of chunk.entries)
        rows.push([
          e.seq,
          new Date(e.at).toISOString(),
          e.actorName,
          e.actorType,
          e.action,
          `${e.targetType}:${e.targetId}`,
          e.details,
          e.hash,
        ]);
    }
    downloadFile(
      `${rows.map((r) => r.map(csvCell).join(",")).join("\n")}\n`,
      `audit-log${action ? `-${action}` : ""}`,
      "csv",
      "text/csv",
    );
    if (total > EXPORT_LIMIT) toast(`Exported the newest ${EXPORT_LIMIT} entries`);
  };

  return (
    <Card title="Audit log" icon={<ScrollText size={16} />}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <p className="mr-auto text-sm text-slate-600">
          Every change to what this workspace is or does, newest first. Entries are chained by hash:{" "}
          <code className="font-mono text-xs">npx switchyard audit verify --db …</code> finds any edit.
        </p>
        <select
          aria-label="Filter by action"
          value={action}
          onChange={(e) => {
            setAction(e.target.value);
            setPage(0);
          }}
          className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm"
        >
          <option value="">All actions</option>
          {actions.data?.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
        <Button size="sm" onClick={() => void exportCsv()} disabled={total === 0}>
          <Download size={14} /> CSV
        </Button>
      </div>
      {total === 0 && !log.isPending ? (
        <p className="rounded-md bg-slate-50 p-3 text-sm text-slate-500">Nothing recorded yet.</p>
      ) : (
        <table className="w-full text-sm" aria-label="Audit log">
          <tbody className="divide-y divide-slate-100">
            {log.data?.entries.map((e) => (
              <tr key={e.seq}>
                <td className="py-2 pr-3 align-top text-xs whitespace-nowrap text-slate-500 tabular-nums">
                  {formatWhen(new Date(e.at))}
                </td>
                <td className="py-2 pr-3 align-top">
                  <p className="font-medium text-slate-900">{e.action}</p>
                  <p className="text-xs text-slate-500">
                    {e.actorName} · {e.targetType}
                    {e.targetId && <code className="ml-1 font-mono">{e.targetId}</code>}
                  </p>
                </td>
                <td className="max-w-xs py-2 align-top font-mono text-xs break-all text-slate-600">
                  {JSON.stringify(e.details) === "{}" ? "" : JSON.stringify(e.details)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > PAGE_SIZE && (
        <div className="mt-3 flex items-center justify-end gap-2 text-xs text-slate-500">
          {page * PAGE_SIZE + 1}–{Math.min(total, (page + 1) * PAGE_SIZE)} of {total}
          <Button size="sm" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Newer
          </Button>
          <Button size="sm" disabled={(page + 1) * PAGE_SIZE >= total} onClick={() => setPage(page + 1)}>
            Older
          </Button>
        </div>
      )}
    </Card>
  );
}
