-- AlterTable
ALTER TABLE "Run" ADD COLUMN "retryOfId" TEXT;
