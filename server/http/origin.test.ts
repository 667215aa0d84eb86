import { describe, expect, it } from "vitest";
import { allowedOrigins, originProblem } from "./origin";

describe("allowedOrigins", () => {
  it("is PUBLIC_URL's origin and ALLOWED_ORIGINS, written as browsers send them", () => {
    expect(allowedOrigins("https://flows.example.com/app/", ["https://Admin.Example.com/", "http://x:8080"])).toEqual([
      "https://flows.example.com",
      "https://admin.example.com",
      "http://x:8080",
    ]);
  });

  it("adds the loopback aliases of a localhost PUBLIC_URL, on its port", () => {
    expect(allowedOrigins("http://localhost:3000")).toEqual([
      "http://localhost:3000",
      "http://127.0.0.1:3000",
      "http://[::1]:3000",
    ]);
    expect(allowedOrigins("http://127.0.0.1:3000")).toEqual(["http://127.0.0.1:3000"]);
  });
});

describe("originProblem", () => {
  const allowed = allowedOrigins("http://localhost:3000", ["https://ops.example"]);

  it("lets allowed origins through", () => {
    expect(originProblem({ origin: "http://localhost:3000" }, allowed)).toBeUndefined();
    expect(originProblem({ origin: "http://127.0.0.1:3000" }, allowed)).toBeUndefined();
    expect(originProblem({ origin: "https://ops.example" }, allowed)).toBeUndefined();
  });

  it("names a foreign, an opaque and a missing origin", () => {
    expect(originProblem({ origin: "http://evil.example" }, allowed)).toMatch(/origin http:\/\/evil\.example/);
    expect(originProblem({ origin: "null" }, allowed)).toMatch(/origin null/);
    expect(originProblem({ origin: "http://localhost:3001" }, allowed)).toMatch(/not allowed/);
    expect(originProblem({}, allowed)).toMatch(/no Origin header/);
    expect(originProblem({ "sec-fetch-site": "cross-site" }, allowed)).toMatch(/no Origin header/);
  });

  it("accepts a missing Origin only when the browser says the request is same-origin", () => {
    expect(originProblem({ "sec-fetch-site": "same-origin" }, allowed)).toBeUndefined();
  });
});
