"use client";
import { Download } from "lucide-react";
import { Button } from "../ui/button";
import { downloadJson } from "../ui/download-json";
import { useEditorStoreApi } from "./editor-context";

/** Downloads the flow as it is on the canvas, in the flow file format (docs/flow-format.md). */
export function ExportButton() {
  const store = useEditorStoreApi();
  const download = () => {
    const document = store.getState().document();
    downloadJson(document, `${document.name || "flow"}.switchyard`);
  };
  return (
    <Button variant="ghost" onClick={download} title="Download the flow file" aria-label="Export">
      <Download size={16} />
    </Button>
  );
}
