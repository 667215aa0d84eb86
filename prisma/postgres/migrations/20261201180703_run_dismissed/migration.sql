-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "dismissedAt" TIMESTAMP(3);
