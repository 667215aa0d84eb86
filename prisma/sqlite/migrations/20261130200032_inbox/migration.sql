-- CreateTable
CREATE TABLE "ApprovalDecision" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "userName" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "form" JSONB NOT NULL,
    "at" DATETIME NOT NULL,
    "requestId" TEXT NOT NULL,
    CONSTRAINT "ApprovalDecision_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "ApprovalTask" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ApprovalTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "path" TEXT NOT NULL DEFAULT '',
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
INSERT INTO "new_ApprovalTask" ("assignees", "closedAt", "createdAt", "dueAt", "id", "instructions", "nodeId", "path", "requestedById", "requiredApprovals", "runId", "show", "status", "title", "workspaceId") SELECT "assignees", "closedAt", "createdAt", "dueAt", "id", "instructions", "nodeId", "path", "requestedById", "requiredApprovals", "runId", "show", "status", "title", "workspaceId" FROM "ApprovalTask";
DROP TABLE "ApprovalTask";
ALTER TABLE "new_ApprovalTask" RENAME TO "ApprovalTask";
CREATE INDEX "ApprovalTask_workspaceId_status_idx" ON "ApprovalTask"("workspaceId", "status");
CREATE UNIQUE INDEX "ApprovalTask_runId_nodeId_path_key" ON "ApprovalTask"("runId", "nodeId", "path");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalDecision_requestId_key" ON "ApprovalDecision"("requestId");

-- CreateIndex
CREATE INDEX "ApprovalDecision_workspaceId_userId_idx" ON "ApprovalDecision"("workspaceId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalDecision_taskId_userId_key" ON "ApprovalDecision"("taskId", "userId");
