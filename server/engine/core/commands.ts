/** Effects the runtime carries out after the events that decided them are committed. */
export type Command = {
  type: "execute";
  nodeId: string;
  iteration: number;
  attempt: number;
  /** `runId:nodeId:iteration:attempt`, passed to outside calls so a repeat is recognised. */
  idempotencyKey: string;
};

export function idempotencyKey(runId: string, nodeId: string, iteration: number, attempt: number): string {
  return `${runId}:${nodeId}:${iteration}:${attempt}`;
}
