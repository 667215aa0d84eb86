import { expect, it } from "vitest";
import { idempotencyKey, instanceOfKey } from "./commands";
import { compileFlow } from "./graph";
import { flow } from "./testing";

it("reads the node instance and attempt back from an idempotency key, inside loops and out", () => {
  const graph = compileFlow(
    flow(
      {
        start: ["start"],
        call: ["subflow", { flowId: "f" }],
        each: ["loop", { mode: "forEach", items: "[1]", maxIterations: 5 }],
        inner: ["subflow", { flowId: "f" }, "each"],
        end: ["end"],
      },
      ["start -> call", "call -> each", "each -> end"],
    ),
  );
  expect(instanceOfKey(graph, idempotencyKey("run1", "call", [], 2))).toEqual({ nodeId: "call", path: [], attempt: 2 });
  expect(instanceOfKey(graph, idempotencyKey("run1", "inner", [0], 1))).toEqual({
    nodeId: "inner",
    path: [0],
    attempt: 1,
  });
  expect(instanceOfKey(graph, idempotencyKey("run1", "inner", [7], 3))).toEqual({
    nodeId: "inner",
    path: [7],
    attempt: 3,
  });
  expect(instanceOfKey(graph, "run1:gone:0:1")).toBeUndefined();
});
