// Prisma CLI configuration. Only `prisma generate` and `prisma migrate diff` are used (see
// docs/offline-setup.md): migrations are applied at boot by server/db/migrate.ts.
// DB_PROVIDER picks the schema folder: prisma/sqlite (default) or prisma/postgres.
import path from "node:path";
import type { PrismaConfig } from "prisma";

const provider = process.env.DB_PROVIDER === "postgresql" ? "postgres" : "sqlite";
// The CLI reads engineType only when DATABASE_URL is set; without it it tries to download
// the native engine. The value is unused by generate/diff.
process.env.DATABASE_URL ??= provider === "sqlite" ? "file::memory:" : "postgresql://postgres@127.0.0.1:5432/postgres";

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", provider),
  migrations: { path: path.join("prisma", provider, "migrations") },
  async adapter() {
    if (provider === "sqlite") {
      const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
      return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "" });
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: process.env.DATABASE_URL });
  },
} satisfies PrismaConfig;
