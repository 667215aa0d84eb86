import Link from "next/link";

/**
 * Which version of its flow a run ran: "v3" (opening that version in the editor) or "draft"
 * for a run started from the editor on unpublished changes.
 */
export function FlowVersionChip({
  flowId,
  version,
  className = "",
}: {
  flowId: string;
  version: number | null;
  className?: string;
}) {
  if (version === null)
    return (
      <span
        className={`rounded bg-amber-50 px-1.5 py-0.5 text-xs text-amber-700 ring-1 ring-amber-200 ${className}`}
        title="Started from the editor on the draft, not on a published version"
        data-testid="flow-version"
      >
        draft
      </span>
    );
  return (
    <Link
      href={`/flows/${flowId}?version=${version}`}
      className={`rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-200 ${className}`}
      title={`Published version ${version}: open it`}
      data-testid="flow-version"
      onClick={(e) => e.stopPropagation()}
    >
      v{version}
    </Link>
  );
}
