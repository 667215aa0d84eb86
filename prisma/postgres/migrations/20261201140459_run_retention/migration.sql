-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "runRetentionDays" INTEGER;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "purgedAt" TIMESTAMP(3),
ADD COLUMN     "summary" JSONB;
