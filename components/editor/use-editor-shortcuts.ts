"use client";
import { useEffect } from "react";
import { copyNodes, pasteNodes, readClipboard } from "@/lib/flow/clipboard";
import { toast } from "../ui/toaster";
import { useEditorStoreApi } from "./editor-context";

const typingIn = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));

const PASTE_OFFSET = { x: 40, y: 40 };

/**
 * Canvas shortcuts (listed in the help dialog). Text fields keep their own undo, copy and
 * paste. Copy and paste use the system clipboard as JSON, so nodes move between flows, tabs
 * and browsers.
 */
export function useEditorShortcuts(onHelp: () => void) {
  const store = useEditorStoreApi();
  useEffect(() => {
    const selected = () =>
      store
        .getState()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id);
    const paste = (text: string) => {
      const payload = readClipboard(text);
      if (!payload) return false;
      const doc = store.getState().document();
      const { nodes, edges } = pasteNodes(doc, payload, PASTE_OFFSET);
      store.getState().insert(nodes, edges);
      return true;
    };
    const onKey = (e: KeyboardEvent) => {
      if (typingIn(e.target)) return;
      if (e.key === "?" && !e.metaKey && !e.ctrlKey) {
        onHelp();
        return;
      }
      if (!(e.metaKey || e.ctrlKey)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        store.getState().undo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        store.getState().redo();
      } else if (key === "d") {
        e.preventDefault(); // duplicate: copy and paste in one
        const ids = selected();
        if (ids.length > 0) paste(JSON.stringify(copyNodes(store.getState().document(), ids)));
      } else if (key === "a") {
        e.preventDefault();
        store.setState({ nodes: store.getState().nodes.map((n) => ({ ...n, selected: true })) });
      }
    };
    const onCopy = (e: ClipboardEvent) => {
      if (typingIn(e.target) || !e.clipboardData) return;
      const ids = selected();
      if (ids.length === 0) return;
      e.preventDefault();
      e.clipboardData.setData("text/plain", JSON.stringify(copyNodes(store.getState().document(), ids)));
      toast(`Copied ${ids.length} node${ids.length === 1 ? "" : "s"}`);
    };
    const onPaste = (e: ClipboardEvent) => {
      if (typingIn(e.target) || !e.clipboardData) return;
      if (paste(e.clipboardData.getData("text/plain"))) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    document.addEventListener("copy", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKey);
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [store, onHelp]);
}
