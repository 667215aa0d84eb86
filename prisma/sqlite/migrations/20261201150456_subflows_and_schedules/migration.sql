-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "input" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "overlap" TEXT NOT NULL DEFAULT 'skip',
    "nextAt" DATETIME,
    "lastFiredAt" DATETIME,
    "lastRunId" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Schedule_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "flowVersion" INTEGER,
    "definition" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "input" JSONB,
    "output" JSONB,
    "error" JSONB,
    "startedById" TEXT,
    "retryOfId" TEXT,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "purgedAt" DATETIME,
    "summary" JSONB,
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "parentRunId" TEXT,
    "parentNodeId" TEXT,
    "parentKey" TEXT,
    "depth" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Run_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("createdAt", "definition", "error", "finishedAt", "flowId", "flowVersion", "id", "input", "lastSeq", "output", "purgedAt", "retryOfId", "startedById", "status", "summary", "workspaceId") SELECT "createdAt", "definition", "error", "finishedAt", "flowId", "flowVersion", "id", "input", "lastSeq", "output", "purgedAt", "retryOfId", "startedById", "status", "summary", "workspaceId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE UNIQUE INDEX "Run_parentKey_key" ON "Run"("parentKey");
CREATE INDEX "Run_workspaceId_createdAt_idx" ON "Run"("workspaceId", "createdAt");
CREATE INDEX "Run_flowId_createdAt_idx" ON "Run"("flowId", "createdAt");
CREATE INDEX "Run_status_idx" ON "Run"("status");
CREATE INDEX "Run_parentRunId_idx" ON "Run"("parentRunId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Schedule_enabled_nextAt_idx" ON "Schedule"("enabled", "nextAt");

-- CreateIndex
CREATE INDEX "Schedule_flowId_idx" ON "Schedule"("flowId");

-- Runs from before triggers were recorded: no starter means a webhook.
UPDATE "Run" SET "trigger" = 'retry' WHERE "retryOfId" IS NOT NULL;
UPDATE "Run" SET "trigger" = 'webhook' WHERE "startedById" IS NULL AND "retryOfId" IS NULL;
