// Writes a new migration for every provider from the change in prisma/models.prisma since the
// newest migration (recorded in prisma/migrated-models.prisma). `prisma migrate dev` and
// `migrate diff --from-migrations` need a shadow database, which the wasm schema engine cannot
// use here (docs/offline-setup.md), so we diff two datamodels instead.
// Usage: npm run db:new -- <name>
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new -- <name>   (lowercase letters, digits and _)");
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, "..");
const snapshot = path.join(root, "prisma/migrated-models.prisma");
const models = path.join(root, "prisma/models.prisma");
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
let wrote = 0;

for (const [folder, envProvider] of [
  ["sqlite", "sqlite"],
  ["postgres", "postgresql"],
] as const) {
  const base = mkdtempSync(path.join(tmpdir(), "switchyard-db-new-"));
  try {
    copyFileSync(path.join(root, "prisma", folder, "schema.prisma"), path.join(base, "schema.prisma"));
    writeFileSync(path.join(base, "models.prisma"), readFileSync(snapshot, "utf8"));
    const out = path.join(root, "prisma", folder, "migrations", `${stamp}_${name}`, "migration.sql");
    mkdirSync(path.dirname(out), { recursive: true });
    try {
      execFileSync(
        "npx",
        [
          "prisma",
          "migrate",
          "diff",
          "--from-schema-datamodel",
          base,
          "--to-schema-datamodel",
          path.join(root, "prisma", folder),
          "--script",
          "--exit-code",
          "-o",
          out,
        ],
        { cwd: root, env: { ...process.env, DB_PROVIDER: envProvider }, stdio: "inherit" },
      );
      rmSync(path.dirname(out), { recursive: true, force: true }); // exit 0: nothing changed
    } catch (error) {
      if ((error as { status?: number }).status !== 2) throw error;
      wrote++;
      console.log(`wrote ${path.relative(root, out)}`);
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
if (wrote === 0) console.log("models.prisma has no change since the newest migration");
else
  writeFileSync(
    snapshot,
    `// Snapshot of models.prisma as of the newest migration. Written by \`npm run db:new\`; never edit.\n${readFileSync(models, "utf8")}`,
  );
