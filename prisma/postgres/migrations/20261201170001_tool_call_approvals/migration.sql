-- DropIndex
DROP INDEX "ApprovalTask_runId_nodeId_path_key";

-- AlterTable
ALTER TABLE "ApprovalTask" ADD COLUMN     "callId" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "tool" JSONB;

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalTask_runId_nodeId_path_callId_key" ON "ApprovalTask"("runId", "nodeId", "path", "callId");
