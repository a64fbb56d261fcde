import 'reflect-metadata';

import { configOrExit, JsonLogger } from '@app/common';
import { loadDotEnv } from '@app/config';

import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  loadDotEnv();
  const config = configOrExit();
  const app = await createApiApp(config);
  await app.listen({ port: config.port, host: config.host });
  app.get(JsonLogger).log(`api listening on http://${config.host}:${config.port} (docs at /docs)`, 'bootstrap');
}

void main();
