import type { z } from "zod";

/**
 * What a node kind declares about itself. Each kind is one module in this folder, registered
 * in ./index.ts; the engine's executors and the editor's cards are keyed by the same `type`.
 */
export interface NodeKind<Type extends string = string, Data = unknown> {
  type: Type;
  /** Shown in the palette and on the card. */
  title: string;
  description: string;
  /** Input handle ids (empty for `start`). */
  inputs: readonly string[];
  /** Output handle ids; a function when they depend on the config (e.g. branch cases). */
  outputs: readonly string[] | ((data: Data) => readonly string[]);
  dataSchema: z.ZodType<Data>;
  defaultData: () => Data;
}

export function outputHandles<Data>(kind: NodeKind<string, Data>, data: Data): readonly string[] {
  return typeof kind.outputs === "function" ? kind.outputs(data) : kind.outputs;
}
