// Generates the Prisma clients for both providers (git-ignored, under ./generated).
import { execFileSync } from "node:child_process";

for (const provider of ["sqlite", "postgresql"]) {
  execFileSync("npx", ["prisma", "generate"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DB_PROVIDER: provider, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}
console.log("switchyard: Prisma clients generated (sqlite, postgresql)");
