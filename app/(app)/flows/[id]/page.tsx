import { FlowEditor } from "@/components/editor/flow-editor";

export const metadata = { title: "Editor" };

/** A positive whole number from the address, or undefined. */
const versionParam = (value: string | string[] | undefined) => {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** The draft; `?version=N` a published version (read-only, `&compare=draft|M`); `?restore=N` restores one. */
export default async function FlowEditorPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const compare = query.compare === "draft" ? "draft" : versionParam(query.compare);
  return (
    <FlowEditor
      flowId={id}
      version={versionParam(query.version)}
      compare={compare}
      restore={versionParam(query.restore)}
    />
  );
}
