import 'reflect-metadata';

import { configOrExit, createHttpApp, JsonLogger } from '@app/common';
import { loadDotEnv } from '@app/config';

import { lowerCpuPriority } from './cpu-priority';
import { WorkerModule } from './worker.module';

/** The queue worker; it serves only /health/* and /metrics, on WORKER_PORT. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = configOrExit();
  lowerCpuPriority(config.workerNice);
  const app = await createHttpApp(WorkerModule, config);
  await app.listen({ port: config.workerPort, host: config.host });
  app.get(JsonLogger).log(`worker health on http://${config.host}:${config.workerPort}/health/ready`, 'bootstrap');
}

void main();
