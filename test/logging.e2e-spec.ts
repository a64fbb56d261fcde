import { Tenant } from '@app/database';

import { AppProcess, startApp } from './utils/processes';
import { World } from './utils/world';

/** The api's log lines as an operator reads them: pino JSON on stdout, or pino-pretty with LOG_PRETTY=true. */
describe('logs', () => {
  const world = new World();
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await world.tenant('Logs');
  });

  afterAll(() => world.close());

  async function run(env: Record<string, string>, work: (app: AppProcess) => Promise<void>): Promise<string> {
    const app = await startApp('api', env, { stdout: 'pipe' });
    let output = '';
    app.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await work(app);
    } finally {
      await app.stop();
    }
    return output;
  }

  it('should write one JSON line a request with its ids, route, status, duration and principal, and never a credential', async () => {
    const key = await world.apiKey(tenant, ['alerts:read']);
    const secretKey = key.headers['x-api-key'];
    const output = await run({ LOG_LEVEL: 'debug' }, async (app) => {
      const response = await fetch(`${app.baseUrl}/v1/alerts`, {
        headers: { ...key.headers, authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2VjcmV0', cookie: 'session=s3cr3t', 'x-request-id': 'log-test-1' },
      });
      expect(response.status).toBe(200);
    });
    const lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const line = lines.find((entry) => entry.request_id === 'log-test-1' && entry.context === 'http');
    expect(line).toEqual(
      expect.objectContaining({
        level: 'info',
        service: 'alert-ledger',
        method: 'GET',
        route: '/v1/alerts',
        status: 200,
        principal: `key:${key.id}`,
        trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      }),
    );
    expect(typeof line?.duration_ms).toBe('number');
    expect(line?.headers).toEqual(expect.objectContaining({ authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]' }));
    for (const secret of [secretKey, 'c2VjcmV0', 's3cr3t']) expect(output).not.toContain(secret);
  });

  it('should print lines for a terminal with LOG_PRETTY=true', async () => {
    const output = await run({ LOG_LEVEL: 'info', LOG_PRETTY: 'true' }, async (app) => {
      expect((await fetch(`${app.baseUrl}/health/live`, { headers: { 'x-request-id': 'log-test-2' } })).status).toBe(200);
    });
    const line = output.split('\n').find((text) => text.includes('GET /health/live 200'));
    expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO/);
    expect(output).toContain('request_id: "log-test-2"');
    expect(output.split('\n').some((text) => text.startsWith('{'))).toBe(false);
  });
});
