-- AlterTable
ALTER TABLE "Flow" ADD COLUMN "webhookOptions" JSONB;
