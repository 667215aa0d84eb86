-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN "runRetentionDays" INTEGER;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "purgedAt" DATETIME;
ALTER TABLE "Run" ADD COLUMN "summary" JSONB;
