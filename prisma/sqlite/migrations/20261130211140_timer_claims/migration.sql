-- AlterTable
ALTER TABLE "Timer" ADD COLUMN "claimedUntil" DATETIME;
