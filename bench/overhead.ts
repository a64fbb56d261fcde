/**
 * The cost of our HTTP stack: GET /health/live through the whole api (Fastify, Nest, request context,
 * JSON request log, metrics) beside a bare Fastify route answering the same body.
 */
import { ChildProcess, spawn } from 'node:child_process';

import { waitForHttp } from '../scripts/wait-for-http';
import { load, LoadResult } from './load';
import { machine, writeSection } from './report';
import { BUILT_MAIN } from '../scripts/built-apps';

const BODY = JSON.stringify({ status: 'ok', checks: {} });

function bareServerSource(port: number): string {
  return `const f = require('fastify')({ logger: false });
f.get('/health/live', (req, reply) => { reply.type('application/json').send(${JSON.stringify(BODY)}); });
f.listen({ port: ${port}, host: '127.0.0.1' });`;
}

async function measure(child: ChildProcess, url: string): Promise<LoadResult> {
  try {
    await waitForHttp(url, { child });
    await load(url, { seconds: 3 }); // warm-up
    return await load(url, { seconds: 10 });
  } finally {
    child.kill('SIGTERM');
  }
}

export async function runOverhead(): Promise<void> {
  const env = { ...process.env, PORT: '3901', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  const api = spawn(process.execPath, [BUILT_MAIN.api], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const stack = await measure(api, 'http://127.0.0.1:3901/health/live');
  const bare = spawn(process.execPath, ['-e', bareServerSource(3902)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const baseline = await measure(bare, 'http://127.0.0.1:3902/health/live');
  const row = (name: string, r: LoadResult): string => `| ${name} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${r.errors + r.non2xx} |`;
  writeSection(
    'overhead',
    `## Request overhead (issue: foundation)

Machine: ${machine()}. 32 keep-alive connections, 10 s after a 3 s warm-up, one process each, the load generator (autocannon) on the same machine.

| server | requests/s | p50 ms | p99 ms | errors |
|---|---|---|---|---|
${row('api: GET /health/live through the whole stack (JSON log line per request to /dev/null)', stack)}
${row('bare Fastify route, same body', baseline)}

The whole stack serves ${Math.round((stack.requestsPerSecond / baseline.requestsPerSecond) * 100)}% of the bare route's requests/s: ${(1000 / stack.requestsPerSecond - 1000 / baseline.requestsPerSecond).toFixed(3)} ms of CPU per request for Nest's pipeline, the request context, the log line and the metrics.`,
  );
  console.log(`overhead: stack ${stack.requestsPerSecond} req/s, bare ${baseline.requestsPerSecond} req/s`);
}
