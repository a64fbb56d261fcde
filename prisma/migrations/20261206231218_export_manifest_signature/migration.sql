-- AlterTable
ALTER TABLE "export_jobs" ADD COLUMN     "manifest_signature" TEXT;
