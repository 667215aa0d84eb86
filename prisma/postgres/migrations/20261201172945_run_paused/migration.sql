-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'paused';
