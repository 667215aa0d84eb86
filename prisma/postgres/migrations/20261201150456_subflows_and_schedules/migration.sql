-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "depth" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "parentKey" TEXT,
ADD COLUMN     "parentNodeId" TEXT,
ADD COLUMN     "parentRunId" TEXT,
ADD COLUMN     "trigger" TEXT NOT NULL DEFAULT 'manual';

-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "flowId" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "input" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "overlap" TEXT NOT NULL DEFAULT 'skip',
    "nextAt" TIMESTAMP(3),
    "lastFiredAt" TIMESTAMP(3),
    "lastRunId" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Schedule_enabled_nextAt_idx" ON "Schedule"("enabled", "nextAt");

-- CreateIndex
CREATE INDEX "Schedule_flowId_idx" ON "Schedule"("flowId");

-- CreateIndex
CREATE UNIQUE INDEX "Run_parentKey_key" ON "Run"("parentKey");

-- CreateIndex
CREATE INDEX "Run_parentRunId_idx" ON "Run"("parentRunId");

-- AddForeignKey
ALTER TABLE "Schedule" ADD CONSTRAINT "Schedule_flowId_fkey" FOREIGN KEY ("flowId") REFERENCES "Flow"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Runs from before triggers were recorded: no starter means a webhook.
UPDATE "Run" SET "trigger" = 'retry' WHERE "retryOfId" IS NOT NULL;
UPDATE "Run" SET "trigger" = 'webhook' WHERE "startedById" IS NULL AND "retryOfId" IS NULL;
