"use client";
import { useState } from "react";
import { Field } from "./fields";
import type { NodeForm } from "./node-form";

const toText = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n");

/** "Name: value" lines, as in an HTTP message; a line without a colon is left out until it has one. */
function fromText(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

/** The extra headers an end node's webhook answer carries, typed one per line. */
export function ResponseHeadersField({ f, data }: { f: NodeForm; data: Record<string, unknown> }) {
  const response = (data.response ?? {}) as { headers?: Record<string, string> };
  const [text, setText] = useState(() => toText(response.headers ?? {}));
  return (
    <Field label="Headers" help="One per line, e.g. Cache-Control: no-store" error={f.error(["response", "headers"])}>
      {(id) => (
        <textarea
          id={id}
          rows={2}
          value={text}
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            const headers = fromText(e.target.value);
            f.set(["response", "headers"], Object.keys(headers).length > 0 ? headers : undefined);
          }}
          className="w-full rounded-md border border-slate-300 px-2.5 py-1.5 font-mono text-xs"
        />
      )}
    </Field>
  );
}
