// A saved document is checked on the server, expressions included: JSONata's parser is slow on
// some shapes (quadratic in one path's steps, deep brackets overflow its stack). A document
// full of them must make its own save slow, never stall everyone else's requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow } from "../engine/core/testing";
import { slowestHealth } from "../testing/slowest-health";
import { startTestServer, type TestServer } from "../testing/test-server";

/** Before, one such save held the loop for seconds; parses are now refused or take a few ms each, between turns. */
const HEALTH_LIMIT_MS = 300;

let t: TestServer;
let cookie: string;
beforeAll(async () => {
  t = await startTestServer();
  cookie = await t.signUp("parser@example.com");
});
afterAll(() => t.close());

describe("checking expressions of a saved flow", () => {
  it("refuses the shapes the parser handles slowly, naming node and limit", async () => {
    const api = t.trpc(cookie);
    const { id } = await api.flows.create.mutate({ name: "Long paths" });
    const doc = flow(
      {
        start: ["start"],
        path: ["transform", { expression: `${"a.".repeat(1_500)}b` }],
        deep: ["transform", { expression: `${"(".repeat(300)}1${")".repeat(300)}` }],
        end: ["end"],
      },
      ["start -> path", "path -> deep", "deep -> end"],
    );
    const { problems } = await api.flows.save.mutate({ id, expectedVersion: 1, document: doc });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: ["nodes", 1, "data", "expression"],
          message: expect.stringMatching(
            /does not parse: it has more than 1000 “\.” steps, the limit for one expression$/,
          ),
        }),
        expect.objectContaining({
          path: ["nodes", 2, "data", "expression"],
          message: expect.stringMatching(/does not parse: it nests brackets deeper than 200 levels/),
        }),
      ]),
    );
    expect(problems[0]!.message.length).toBeLessThan(300); // the expression is quoted cut short
  });

  it("a document of slow-to-parse expressions does not stall other requests", async () => {
    const api = t.trpc(cookie);
    const { id } = await api.flows.create.mutate({ name: "Many long paths" });
    const nodes: Record<string, ["start" | "transform" | "end", Record<string, unknown>?]> = {
      start: ["start"],
      end: ["end"],
    };
    const edges: string[] = [];
    let last = "start";
    // Each a 9 KB path of 4,500 steps: about a second of JSONata's parser each, before.
    for (let i = 0; i < 3; i++) {
      nodes[`t${i}`] = ["transform", { expression: `${"a.".repeat(4_500)}b${i}` }];
      edges.push(`${last} -> t${i}`);
      last = `t${i}`;
    }
    edges.push(`${last} -> end`);
    const { value, slowestMs } = await slowestHealth(t.url, () =>
      api.flows.save.mutate({ id, expectedVersion: 1, document: flow(nodes, edges) }),
    );
    expect(value.status).toBe("fulfilled");
    const { problems } = (value as PromiseFulfilledResult<{ problems: { message: string }[] }>).value;
    expect(problems.filter((p) => /does not parse/.test(p.message))).toHaveLength(3);
    expect(slowestMs).toBeLessThan(HEALTH_LIMIT_MS);
  });
});
