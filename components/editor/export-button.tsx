"use client";
import { Download } from "lucide-react";
import { useRef } from "react";
import { flowToYaml } from "@/lib/flow/flow-file";
import { downloadFile, downloadJson } from "../ui/download-file";
import { useEditorStoreApi } from "./editor-context";

/** Downloads the flow as it is on the canvas, in the flow file format (docs/flow-format.md), as JSON or YAML. */
export function ExportButton() {
  const store = useEditorStoreApi();
  const menu = useRef<HTMLDetailsElement>(null);
  const download = (format: "json" | "yaml") => {
    const document = store.getState().document();
    const name = `${document.name || "flow"}.switchyard`;
    if (format === "json") downloadJson(document, name);
    else downloadFile(flowToYaml(document), name, "yaml", "application/yaml");
    menu.current?.removeAttribute("open");
  };
  const item = "block w-full px-3 py-2 text-left text-sm text-slate-700 hover:bg-slate-100";
  return (
    <details ref={menu} className="relative">
      <summary
        className="inline-flex h-9 cursor-pointer list-none items-center rounded-md px-3 text-slate-600 hover:bg-slate-100 [&::-webkit-details-marker]:hidden"
        title="Download the flow file"
        aria-label="Export"
      >
        <Download size={16} />
      </summary>
      <div className="absolute right-0 z-30 mt-1 w-44 overflow-hidden rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        <button type="button" className={item} onClick={() => download("json")}>
          Flow file (JSON)
        </button>
        <button type="button" className={item} onClick={() => download("yaml")}>
          Flow file (YAML)
        </button>
      </div>
    </details>
  );
}
