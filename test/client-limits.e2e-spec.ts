import { connect, Socket } from 'node:net';

import { http, TestApi, withApiEnv } from './utils/api';

/** A raw TCP connection to the api, with everything it receives and whether the server closed it. */
interface RawClient {
  socket: Socket;
  received(): string;
  closed: Promise<void>;
}

function rawClient(api: TestApi): Promise<RawClient> {
  const { hostname, port } = new URL(api.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', () => undefined);
    socket.once('connect', () => resolve({ socket, received: () => text, closed }));
    socket.once('error', reject);
  });
}

describe('slow and greedy clients', () => {
  it('should answer a body that does not arrive within BODY_TIMEOUT_SECONDS with a 408 problem and close the connection', async () => {
    await withApiEnv({ BODY_TIMEOUT_SECONDS: '1' }, async (api) => {
      const client = await rawClient(api);
      client.socket.write('POST /v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"');
      await client.closed;
      const [head, body] = client.received().split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 408 /);
      expect(head.toLowerCase()).toContain('content-type: application/problem+json');
      expect(head.toLowerCase()).toContain('connection: close');
      expect(JSON.parse(body)).toEqual(expect.objectContaining({ type: '/problems/request-timeout', status: 408 }));
    });
  });

  it('should not answer 408 once the body has arrived, though the connection stays open past the deadline', async () => {
    await withApiEnv({ BODY_TIMEOUT_SECONDS: '1' }, async (api) => {
      const client = await rawClient(api);
      client.socket.write('POST /v1/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n');
      await new Promise((resolve) => setTimeout(resolve, 300));
      client.socket.write('{}');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
      client.socket.destroy();
    });
  });

  it('should close connections past MAX_CONNECTIONS_PER_CLIENT from one address, and take new ones once others close', async () => {
    await withApiEnv({ MAX_CONNECTIONS_PER_CLIENT: '3' }, async (api) => {
      const held = await Promise.all([rawClient(api), rawClient(api), rawClient(api)]);
      const excess = await rawClient(api);
      await excess.closed;
      expect(excess.received()).toBe('');
      held[0].socket.destroy();
      await held[0].closed;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await rawClient(api);
      again.socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
      await again.closed;
      expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
      for (const client of held.slice(1)) client.socket.destroy();
      // fetch (undici) opens its own connection: still within the limit once the raw ones are gone.
      await Promise.all(held.map((client) => client.closed));
      expect((await http(api, 'GET', '/health/live')).status).toBe(200);
    });
  });
});
