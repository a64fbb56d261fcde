// Used by the Prisma CLI (`prisma generate`, and `prisma migrate deploy` where its engine binary exists).
// The services themselves read DATABASE_URL through @app/config.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/alert_ledger' },
});
