import { AppConfig } from '@app/config';

import { RequestContextStore } from '../trace/request-context';
import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const config = AppConfig.fromEnvironment({ JWT_SECRET: 'j'.repeat(32), CURSOR_SECRET: 'c'.repeat(32), LOG_LEVEL: 'info', SERVICE_NAME: 'svc' });

  function capture(): { lines: Record<string, unknown>[]; logger: JsonLogger } {
    const lines: Record<string, unknown>[] = [];
    return { lines, logger: new JsonLogger(config, { write: (line: string) => lines.push(JSON.parse(line)) }) };
  }

  it('should write one JSON line per request with method, route, status, duration and the request ids', () => {
    const { lines, logger } = capture();
    const trace = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, flags: '01' };
    RequestContextStore.run({ requestId: 'req-1', method: 'GET', trace, startedAt: 0n }, () => {
      logger.request({ method: 'GET', route: '/v1/alerts/:id', url: '/v1/alerts/alr_1', status: 404, duration_ms: 3.2 });
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'svc',
        method: 'GET',
        route: '/v1/alerts/:id',
        status: 404,
        duration_ms: 3.2,
        request_id: 'req-1',
        trace_id: 'a'.repeat(32),
        span_id: 'b'.repeat(16),
      }),
    ]);
  });

  it('should log server errors at error level with their cause, and drop lines below the level', () => {
    const { lines, logger } = capture();
    logger.debug('hidden');
    logger.request({ method: 'POST', route: '/x', url: '/x', status: 500, duration_ms: 1 });
    logger.failure('boom', new Error('database went away'), 'problem');
    expect(lines.map((line) => line.level)).toEqual(['error', 'error']);
    expect(lines[1]).toEqual(expect.objectContaining({ msg: 'boom', error: 'database went away', context: 'problem' }));
    expect(lines[1]).not.toHaveProperty('request_id');
  });

  it('should redact credentials in request headers and fields named as secrets', () => {
    const { lines, logger } = capture();
    const headers = {
      authorization: 'Bearer eyJ.secret.token',
      'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
      'x-api-key': 'ak_live_secret',
      'x-auth-apikey': 'ak_other_secret',
      cookie: 'session=s3cret',
      accept: 'application/json',
    };
    logger.request({ method: 'GET', route: '/v1/alerts', url: '/v1/alerts', status: 200, duration_ms: 1, principal: 'key:key_1', headers });
    logger.warn('provider refused', 'auth', { client_secret: 'cs-secret', headers: { authorization: 'Basic dXNlcjpwYXNz' }, password: 'hunter2' });
    const text = JSON.stringify(lines);
    for (const secret of ['eyJ.secret.token', 'ak_live_secret', 'ak_other_secret', 's3cret', 'cs-secret', 'dXNlcjpwYXNz', 'hunter2'])
      expect(text).not.toContain(secret);
    expect(lines[0]).toEqual(
      expect.objectContaining({
        principal: 'key:key_1',
        headers: {
          authorization: '[redacted]',
          'proxy-authorization': '[redacted]',
          'x-api-key': '[redacted]',
          'x-auth-apikey': '[redacted]',
          cookie: '[redacted]',
          accept: 'application/json',
        },
      }),
    );
    expect(lines[1]).toEqual(expect.objectContaining({ client_secret: '[redacted]', headers: { authorization: '[redacted]' }, password: '[redacted]' }));
  });
});
