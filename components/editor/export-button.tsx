"use client";
import { Download } from "lucide-react";
import { Button } from "../ui/button";
import { useEditorStoreApi } from "./editor-context";

/** Downloads the flow as it is on the canvas, in the flow file format (docs/flow-format.md). */
export function ExportButton() {
  const store = useEditorStoreApi();
  const download = () => {
    const document = store.getState().document();
    const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: "application/json" });
    const link = window.document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${document.name.replace(/[^\w.-]+/g, "-").toLowerCase() || "flow"}.switchyard.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <Button onClick={download} title="Download the flow file">
      <Download size={16} /> Export
    </Button>
  );
}
