import { FlowEditor } from "@/components/editor/flow-editor";

export const metadata = { title: "Editor" };

export default async function FlowEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <FlowEditor flowId={id} />;
}
