import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { sendWebhook } from './webhook-sender';

describe('sendWebhook', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.url ?? '');
      if (request.url === '/hang') return; // never answers
      if (request.url === '/moved') return void response.writeHead(301, { location: '/ok' }).end();
      if (request.url === '/busy') return void response.writeHead(429, { 'retry-after': '12' }).end();
      if (request.url === '/gone') return void response.writeHead(410).end();
      response.writeHead(200).end('x'.repeat(100_000));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://localhost:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const send = (path: string, allowPrivate = true, timeoutMs = 5_000) =>
    sendWebhook(`${base}${path}`, { 'webhook-id': 'evt_1' }, '{}', { timeoutMs, allowPrivate });

  it('should refuse a host that resolves to a loopback address at delivery time, sending nothing', async () => {
    const outcome = await send('/refused', false);
    expect(outcome).toMatchObject({ kind: 'give-up', status: null });
    expect(outcome.kind === 'give-up' && outcome.error).toMatch(/resolves to 127\.0\.0\.1/);
    expect(seen).not.toContain('/refused');
  });

  it('should deliver with a 2xx, reading only the start of a long answer', async () => {
    expect(await send('/ok')).toMatchObject({ kind: 'delivered', status: 200 });
  });

  it('should not follow a redirect nor retry it', async () => {
    expect(await send('/moved')).toMatchObject({ kind: 'give-up', status: 301 });
    expect(seen.filter((path) => path === '/ok')).toHaveLength(1);
  });

  it('should retry 429 after Retry-After, and give up on other 4xx', async () => {
    expect(await send('/busy')).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 12_000 });
    expect(await send('/gone')).toMatchObject({ kind: 'give-up', status: 410 });
  });

  it('should retry an attempt that timed out', async () => {
    const outcome = await send('/hang', true, 300);
    expect(outcome).toMatchObject({ kind: 'retry', status: null });
    expect(outcome.kind === 'retry' && outcome.error).toMatch(/no answer within/);
  });
});
