import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/test-server";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ signInPerMinute: 3 });
  await t.signUp("carol@example.com");
});
afterAll(() => t.close());

const signIn = (password: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: t.url, ...headers },
    body: JSON.stringify({ email: "carol@example.com", password }),
  });

it("limits sign-in attempts per client, even with the right password after too many", async () => {
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await signIn("wrong password")).status);
  expect(statuses).toEqual([401, 401, 401]);
  const blocked = await signIn("correct horse battery");
  expect(blocked.status).toBe(429);
});

it("keys the limit on the connection, not on a client-supplied X-Forwarded-For", async () => {
  const spoofed = await signIn("correct horse battery", { "x-forwarded-for": "203.0.113.7" });
  expect(spoofed.status).toBe(429);
});
