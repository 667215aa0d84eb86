-- AlterTable
ALTER TABLE "Flow" ADD COLUMN "publishedVersion" INTEGER;

-- CreateTable
CREATE TABLE "FlowVersion" (
    "flowId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "message" TEXT NOT NULL DEFAULT '',
    "publishedById" TEXT NOT NULL,
    "publishedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("flowId", "version"),
    CONSTRAINT "FlowVersion_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
    CONSTRAINT "Run_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Run_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("createdAt", "definition", "error", "finishedAt", "flowId", "flowVersion", "id", "input", "lastSeq", "output", "retryOfId", "startedById", "status", "workspaceId") SELECT "createdAt", "definition", "error", "finishedAt", "flowId", "flowVersion", "id", "input", "lastSeq", "output", "retryOfId", "startedById", "status", "workspaceId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_workspaceId_createdAt_idx" ON "Run"("workspaceId", "createdAt");
CREATE INDEX "Run_flowId_createdAt_idx" ON "Run"("flowId", "createdAt");
CREATE INDEX "Run_status_idx" ON "Run"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- Every existing flow is published as v1 from the document it has saved; the runs before
-- versions existed ran whatever was saved then, so they count as runs of the draft.
INSERT INTO "FlowVersion" ("flowId", "version", "document", "message", "publishedById", "publishedAt")
SELECT "id", 1, json_set("definition", '$.name', "name", '$.description', "description"),
       'Published on upgrade from the saved flow', "createdById", "updatedAt"
FROM "Flow";
UPDATE "Flow" SET "publishedVersion" = 1;
UPDATE "Run" SET "flowVersion" = NULL;
