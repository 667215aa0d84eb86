import { readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const prisma = import.meta.dirname;
const read = (file: string) => readFileSync(path.join(prisma, file), "utf8");

it("gives both providers the same models", () => {
  expect(readlinkSync(path.join(prisma, "sqlite/models.prisma"))).toBe("../models.prisma");
  expect(readlinkSync(path.join(prisma, "postgres/models.prisma"))).toBe("../models.prisma");
});

it("has a migration for every change to the models (run `npm run db:new -- <name>`)", () => {
  const snapshot = read("migrated-models.prisma").split("\n").slice(1).join("\n");
  expect(snapshot).toBe(read("models.prisma"));
});
