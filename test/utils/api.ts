import { NestFastifyApplication } from '@nestjs/platform-fastify';

import { createApiApp } from '../../apps/api/src/bootstrap';

export interface TestApi {
  app: NestFastifyApplication;
  baseUrl: string;
  close(): Promise<void>;
}

/** Where an api answers: a TestApi, or a real api process (test/utils/processes.ts startApp). */
export type ApiAddress = Pick<TestApi, 'baseUrl'>;

/** The real API on a real port (127.0.0.1, ephemeral), against the run's database and Redis. */
export async function startApi(): Promise<TestApi> {
  const app = await createApiApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** Runs `work` against an api started with these variables set, then puts the variables back; answers what `work` answered. */
export async function withApiEnv<T>(env: Record<string, string>, work: (api: TestApi) => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  const api = await startApi();
  try {
    return await work(api);
  } finally {
    await api.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A request over real HTTP (Node's fetch); the body is parsed when it is JSON. */
export async function http<T = Record<string, unknown>>(
  api: ApiAddress,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${api.baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return { status: response.status, headers: response.headers, body: (isJson && text ? JSON.parse(text) : text) as T, text };
}
