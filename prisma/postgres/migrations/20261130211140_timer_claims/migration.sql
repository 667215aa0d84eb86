-- AlterTable
ALTER TABLE "Timer" ADD COLUMN     "claimedUntil" TIMESTAMP(3);
