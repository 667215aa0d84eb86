// The import rules of docs/architecture.md, checked on every test run.
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/**
 * Every module a source text reaches: `import … from "x"` (value or type), `import "x"`,
 * `export … from "x"` (a re-export is an import too) and `import("x")` (a dynamic import
 * loads the module like any other). Relative and `@/` specifiers are resolved from `file`.
 */
function importsOf(text: string, file: string): Import[] {
  const resolve = (spec: string) =>
    spec.startsWith(".")
      ? path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec))
      : spec.startsWith("@/")
        ? spec.slice(2)
        : spec;
  const found = [
    ...[...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']/gms)].map((m) => ({
      spec: m[2]!,
      typeOnly: Boolean(m[1]),
    })),
    ...[...text.matchAll(/^import\s+["']([^"']+)["']/gm)].map((m) => ({ spec: m[1]!, typeOnly: false })),
    ...[...text.matchAll(/^export\s+(type\s+)?(?:\*|\*\s+as\s+\w+|\{[^}]*\})\s*from\s+["']([^"']+)["']/gm)].map(
      (m) => ({ spec: m[2]!, typeOnly: Boolean(m[1]) }),
    ),
    ...[...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => ({ spec: m[1]!, typeOnly: false })),
  ];
  return found.map((i) => ({ spec: resolve(i.spec), typeOnly: i.typeOnly }));
}

const imports = (file: string) => importsOf(readFileSync(path.join(root, file), "utf8"), file);

const violations = (dir: string, forbidden: (i: Import) => boolean) =>
  sourceFiles(dir).flatMap((file) =>
    imports(file)
      .filter(forbidden)
      .map((i) => `${file} imports ${i.spec}`),
  );

/** A Node built-in, with or without `node:` ("fs" as much as "node:fs"). */
const builtin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0]!);
const prisma = (i: Import) => /generated\/|@prisma\//.test(i.spec) && !i.typeOnly;

describe("what an import is", () => {
  const at = "server/api/routers/runs/router.ts";
  it("counts value and type imports, side-effect imports, re-exports and dynamic imports", () => {
    const text = [
      'import { z } from "zod";',
      'import type {\n  RunEngine,\n} from "../../../engine/runtime/run-engine";',
      'import "./side-effect";',
      'export { startFlowRun } from "../../../runs/start-run";',
      'export type { Advance } from "@/server/engine/core/planner";',
      "export * from 'fs';",
      'const later = await import("../../../db/runs-repository");',
      'export const note = "nothing is imported from here";',
    ].join("\n");
    expect(importsOf(text, at)).toEqual([
      { spec: "zod", typeOnly: false },
      { spec: "server/engine/runtime/run-engine", typeOnly: true },
      { spec: "server/api/routers/runs/side-effect", typeOnly: false },
      { spec: "server/runs/start-run", typeOnly: false },
      { spec: "server/engine/core/planner", typeOnly: true },
      { spec: "fs", typeOnly: false },
      { spec: "server/db/runs-repository", typeOnly: false },
    ]);
  });

  it("knows Node's built-ins with and without the prefix", () => {
    expect(["fs", "node:fs", "fs/promises", "path", "node:test"].every(builtin)).toBe(true);
    expect(["zod", "fsevents", "@/lib/flow/document"].some(builtin)).toBe(false);
  });
});

it("keeps lib/ free of the server, the UI and I/O", () => {
  expect(
    violations(
      "lib",
      (i) => /^(server|components|app)\//.test(i.spec) || builtin(i.spec) || /^(@prisma|react)/.test(i.spec),
    ),
  ).toEqual([]);
});

it("keeps the engine core pure", () => {
  expect(
    violations(
      "server/engine/core",
      (i) => /^server\/(?!engine\/core)/.test(i.spec) || builtin(i.spec) || /^(@prisma|socket)/.test(i.spec),
    ),
  ).toEqual([]);
});

it("lets the UI reach the server only for types", () => {
  expect(violations("components", (i) => i.spec.startsWith("server/") && !i.typeOnly)).toEqual([]);
  expect(violations("app", (i) => i.spec.startsWith("server/") && !i.typeOnly)).toEqual([]);
});

it("lets only server/db talk to Prisma", () => {
  const outside = [
    "server/api",
    "server/engine",
    "server/realtime",
    "server/auth",
    "server/triggers",
    "server/cli",
    "server/runs",
    "components",
    "lib",
  ];
  expect(outside.flatMap((d) => violations(d, prisma))).toEqual([]);
});

it("gives handlers the database only through the repositories on ctx", () => {
  // The error classes are the taxonomy handlers map; types describe what ctx holds.
  expect(
    violations(
      "server/api/routers",
      (i) => i.spec.startsWith("server/db/") && i.spec !== "server/db/errors" && !i.typeOnly,
    ),
  ).toEqual([]);
});

it("keeps what the server does outside tRPC's handlers (webhooks, the CLI start runs through server/runs)", () => {
  const notApi = sourceFiles("server").filter((f) => !f.startsWith("server/api/"));
  expect(
    notApi.flatMap((file) =>
      imports(file)
        .filter((i) => i.spec.startsWith("server/api/routers/"))
        .map((i) => `${file} imports ${i.spec}`),
    ),
  ).toEqual([]);
});
