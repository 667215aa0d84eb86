-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApprovalTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "path" TEXT NOT NULL DEFAULT '',
    "callId" TEXT NOT NULL DEFAULT '',
    "tool" JSONB,
    "status" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "show" JSONB,
    "assignees" JSONB NOT NULL,
    "requiredApprovals" INTEGER NOT NULL,
    "allowRequesterToApprove" BOOLEAN NOT NULL DEFAULT false,
    "form" JSONB,
    "requestedById" TEXT,
    "createdAt" DATETIME NOT NULL,
    "dueAt" DATETIME,
    "closedAt" DATETIME,
    "decisionCount" INTEGER NOT NULL DEFAULT 0,
    "escalations" JSONB,
    CONSTRAINT "ApprovalTask_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ApprovalTask" ("allowRequesterToApprove", "assignees", "closedAt", "createdAt", "decisionCount", "dueAt", "escalations", "form", "id", "instructions", "nodeId", "path", "requestedById", "requiredApprovals", "runId", "show", "status", "title", "workspaceId") SELECT "allowRequesterToApprove", "assignees", "closedAt", "createdAt", "decisionCount", "dueAt", "escalations", "form", "id", "instructions", "nodeId", "path", "requestedById", "requiredApprovals", "runId", "show", "status", "title", "workspaceId" FROM "ApprovalTask";
DROP TABLE "ApprovalTask";
ALTER TABLE "new_ApprovalTask" RENAME TO "ApprovalTask";
CREATE INDEX "ApprovalTask_workspaceId_status_idx" ON "ApprovalTask"("workspaceId", "status");
CREATE UNIQUE INDEX "ApprovalTask_runId_nodeId_path_callId_key" ON "ApprovalTask"("runId", "nodeId", "path", "callId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
