// The import rules of docs/architecture.md, checked on every test run.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Every `import … from "x"` (value or type) in a file, resolved to a project path when relative. */
function imports(file: string): { spec: string; typeOnly: boolean }[] {
  const text = readFileSync(path.join(root, file), "utf8");
  return [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)].map((m) => {
    const spec = m[2]!;
    const resolved = spec.startsWith(".")
      ? path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec))
      : spec.startsWith("@/")
        ? spec.slice(2)
        : spec;
    return { spec: resolved, typeOnly: Boolean(m[1]) };
  });
}

const violations = (dir: string, forbidden: (i: { spec: string; typeOnly: boolean }) => boolean) =>
  sourceFiles(dir).flatMap((file) =>
    imports(file)
      .filter(forbidden)
      .map((i) => `${file} imports ${i.spec}`),
  );

it("keeps lib/ free of the server, the UI and I/O", () => {
  expect(
    violations("lib", (i) => /^(server|components|app)\//.test(i.spec) || /^(node:|@prisma|react)/.test(i.spec)),
  ).toEqual([]);
});

it("keeps the engine core pure", () => {
  expect(
    violations(
      "server/engine/core",
      (i) => /^server\/(?!engine\/core)/.test(i.spec) || /^(node:|@prisma|socket)/.test(i.spec),
    ),
  ).toEqual([]);
});

it("lets the UI reach the server only for types", () => {
  expect(violations("components", (i) => i.spec.startsWith("server/") && !i.typeOnly)).toEqual([]);
  expect(violations("app", (i) => i.spec.startsWith("server/") && !i.typeOnly)).toEqual([]);
});

it("lets only server/db talk to Prisma", () => {
  const outside = ["server/api", "server/engine", "server/realtime", "server/auth", "components", "lib"];
  expect(outside.flatMap((d) => violations(d, (i) => /generated\/|@prisma\//.test(i.spec) && !i.typeOnly))).toEqual([]);
});
