import { JsonView } from "../runs/view/json-view";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);

/**
 * What the approval node chose to show, as people read it: a flat object as a two-column
 * table, a list of flat objects as a table, anything else as a JSON tree.
 */
export function ReviewData({ value }: { value: unknown }) {
  if (isRecord(value) && Object.values(value).every(isScalar) && Object.keys(value).length > 0) {
    return (
      <table className="w-full overflow-hidden rounded-lg text-sm ring-1 ring-slate-200" data-testid="review-table">
        <tbody>
          {Object.entries(value).map(([key, v]) => (
            <tr key={key} className="border-b border-slate-100 last:border-0">
              <th scope="row" className="w-1/3 bg-slate-50 px-3 py-2 text-left font-medium text-slate-600">
                {key}
              </th>
              <td className="px-3 py-2 text-slate-900 tabular-nums">{formatScalar(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.length <= 200 &&
    value.every((row) => isRecord(row) && Object.values(row).every(isScalar))
  ) {
    const columns = [...new Set(value.flatMap((row) => Object.keys(row as object)))];
    return (
      <div className="max-h-96 overflow-auto rounded-lg ring-1 ring-slate-200">
        <table className="w-full text-sm" data-testid="review-table">
          <thead className="sticky top-0 bg-slate-50">
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col" className="px-3 py-2 text-left font-medium text-slate-600">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((row, i) => (
              <tr key={i} className="border-t border-slate-100">
                {columns.map((c) => (
                  <td key={c} className="px-3 py-2 text-slate-900 tabular-nums">
                    {formatScalar((row as Record<string, unknown>)[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  if (isScalar(value))
    return (
      <p className="rounded-lg bg-slate-50 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-200">
        {formatScalar(value)}
      </p>
    );
  return <JsonView value={value} label="data to review" />;
}

function formatScalar(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return v.toLocaleString("en-US");
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}
