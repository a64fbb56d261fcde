-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "generator_url" VARCHAR(8192);
