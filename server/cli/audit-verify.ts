import { existsSync } from "node:fs";
import { verifyAuditLog } from "../db/audit-repository";
import { openDatabase } from "../db/client";
import { dbConfig } from "./run-file";

/** `switchyard audit verify --db <url>`: recomputes every workspace's audit chain, changing nothing. */
export async function verifyAudit(db: string) {
  const { config } = dbConfig(db);
  if (config.provider === "sqlite" && !existsSync(config.url)) throw new Error(`there is no database at ${config.url}`);
  const database = await openDatabase(config, { migrate: false });
  try {
    return await verifyAuditLog(database.prisma);
  } finally {
    await database.close();
  }
}
