import { parse, stringify } from "yaml";
import type { FlowDocument } from "./document";

/** The formats a flow file comes in: the same document either way (docs/flow-format.md). */
export type FlowFileFormat = "json" | "yaml";

/** Past this a flow file is refused before parsing (the server's body cap is 1 MiB too). */
export const MAX_FLOW_FILE_BYTES = 1024 * 1024;

/** The document as a YAML file: block style, keys in the document's order. */
export function flowToYaml(document: FlowDocument): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Which format a file is, by its name (YAML: .yaml, .yml), else by its first character. */
export function flowFileFormat(name: string, text: string): FlowFileFormat {
  if (/\.ya?ml$/i.test(name)) return "yaml";
  if (/\.(json|switchyard)$/i.test(name)) return "json";
  return /^\s*[[{]/.test(text) ? "json" : "yaml";
}

/**
 * A flow file's content as a plain value, for the flow checks to judge. YAML is read as
 * plain JSON data: no custom tags, a cap on aliases (no "billion laughs"), duplicate keys
 * refused. Throws an Error whose message says what is wrong and where.
 */
export function parseFlowFile(name: string, text: string): unknown {
  if (text.length > MAX_FLOW_FILE_BYTES) throw new Error(`${name} is larger than 1 MiB, the limit for a flow file`);
  const format = flowFileFormat(name, text);
  if (format === "json") {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
    }
  }
  try {
    return parse(text, { schema: "core", uniqueKeys: true, maxAliasCount: 50, merge: false, prettyErrors: true });
  } catch (error) {
    throw new Error(`${name} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
}
