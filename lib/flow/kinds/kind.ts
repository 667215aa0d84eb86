import type { z } from "zod";

/** One labelled output of a node, as the editor draws it and edges name it (`sourceHandle`). */
export interface OutputHandle {
  id: string;
  /** Shown beside the handle on the card. */
  label: string;
  /** The path a failed step follows (`onError: route`); drawn in red. */
  error?: boolean;
  /** Where the step's compensation handler begins: never taken in the forward run (flow-format.md, "Compensation"). */
  compensation?: boolean;
  /**
   * Set when the node's config never takes this handle, saying what would: edges from it stay
   * valid (the contract lists the handle) but carry nothing, e.g. `error` without `onError: route`.
   */
  idle?: string;
}

/** How a node with several inbound paths fires. */
export interface InboundRule {
  /** "all": once every path that is still active has arrived; a number: as soon as that many have. */
  waitFor: "all" | number;
  /** Once fired, cancel the paths still running towards it (only work nothing else needs). */
  cancelRemaining: boolean;
}

/**
 * What a node kind declares about itself. Each kind is one module in this folder, registered
 * in ./index.ts; the engine's executors and the editor's cards are keyed by the same `type`,
 * and nothing elsewhere re-derives what a kind declares here.
 */
export interface NodeKind<Type extends string = string, Data = unknown> {
  type: Type;
  /** Shown in the palette and on the card. */
  title: string;
  description: string;
  /**
   * "outside": its executor reaches beyond the run (a model, the network), so the engine commits
   * the step before running it. "none": it only reads the run, so it runs inline and its events
   * are committed with the event that led to it.
   */
  effects: "none" | "outside";
  /** Input handle ids (empty for `start`). */
  inputs: readonly string[];
  /**
   * Output handles as a function of the node's data. The data may be a draft the editor holds
   * (not yet valid), so the function must not trust its shape.
   */
  outputs: (data: Data) => readonly OutputHandle[];
  /** How the node fires with several inbound paths, from its parsed data. Absent: it waits for all. */
  inbound?: (data: Data) => InboundRule;
  dataSchema: z.ZodType<Data>;
  defaultData: () => Data;
}

export function outputHandles<Data>(kind: NodeKind<string, Data>, data: Data): readonly OutputHandle[] {
  return kind.outputs(data);
}

/** The handles a success takes when its executor names none: all but `error` and `compensate`. */
export function successHandles<Data>(kind: NodeKind<string, Data>, data: Data): string[] {
  return kind.outputs(data).flatMap((h) => (h.error || h.compensation ? [] : [h.id]));
}

/** The ids of a node's output handles: what an edge's `sourceHandle` may name. */
export function outputHandleIds<Data>(kind: NodeKind<string, Data>, data: Data): string[] {
  return kind.outputs(data).map((h) => h.id);
}

/** The single `out` handle most kinds have. */
export const outOnly: readonly OutputHandle[] = [{ id: "out", label: "out" }];
