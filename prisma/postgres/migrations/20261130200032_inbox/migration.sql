-- AlterTable
ALTER TABLE "ApprovalTask" ADD COLUMN     "allowRequesterToApprove" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "decisionCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "escalations" JSONB,
ADD COLUMN     "form" JSONB;

-- CreateTable
CREATE TABLE "ApprovalDecision" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "userName" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "form" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "requestId" TEXT NOT NULL,

    CONSTRAINT "ApprovalDecision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalDecision_requestId_key" ON "ApprovalDecision"("requestId");

-- CreateIndex
CREATE INDEX "ApprovalDecision_workspaceId_userId_idx" ON "ApprovalDecision"("workspaceId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalDecision_taskId_userId_key" ON "ApprovalDecision"("taskId", "userId");

-- AddForeignKey
ALTER TABLE "ApprovalDecision" ADD CONSTRAINT "ApprovalDecision_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "ApprovalTask"("id") ON DELETE CASCADE ON UPDATE CASCADE;
