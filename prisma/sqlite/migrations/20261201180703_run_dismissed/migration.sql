-- AlterTable
ALTER TABLE "Run" ADD COLUMN "dismissedAt" DATETIME;
