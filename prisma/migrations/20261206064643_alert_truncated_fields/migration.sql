-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "truncated_fields" TEXT[] DEFAULT ARRAY[]::TEXT[];
