import { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createHttpApp } from '@app/common';
import { installAuditorRequestTrail } from '@app/compliance';
import { AppConfig } from '@app/config';

import { AppModule } from './app.module';
import { serveOpenApi } from './openapi/openapi';

/** The HTTP API (used by main.ts and by the e2e tests). */
export async function createApiApp(config = AppConfig.fromEnvironment()): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.register(config), config);
  installAuditorRequestTrail(app);
  serveOpenApi(app);
  return app;
}
