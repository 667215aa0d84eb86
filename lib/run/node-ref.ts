/**
 * Which node instance an event is about (events.ts): `iteration` repeats the innermost loop
 * index (0 outside loops), `path` lists every enclosing iteration and is left out at the top
 * level. The one way to build it, on the server and in the browser.
 */
export interface NodeRef {
  nodeId: string;
  iteration: number;
  path?: number[];
}

export const nodeRef = (nodeId: string, path: number[]): NodeRef => ({
  nodeId,
  iteration: path.at(-1) ?? 0,
  ...(path.length > 0 && { path }),
});
