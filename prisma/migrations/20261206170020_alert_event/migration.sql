-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "event" JSONB;
