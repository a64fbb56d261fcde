-- AlterTable
ALTER TABLE "export_jobs" ADD COLUMN     "fields" TEXT[] DEFAULT ARRAY[]::TEXT[];
