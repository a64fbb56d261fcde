import { createServer, Server } from 'node:http';

import { Browser, launch } from 'puppeteer-core';

import { Tenant } from '@app/database';
import { CHROMIUM_ARGS } from '@app/exports';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

interface Frame {
  event: string;
  id?: string;
  data: string;
}

/** A reader of GET /v1/events over Node's fetch: frames as they arrive. */
async function openStream(
  api: TestApi,
  query: string,
  headers: Record<string, string>,
): Promise<{ status: number; contentType: string | null; frames: Frame[]; close(): void; text(): Promise<string> }> {
  const controller = new AbortController();
  const response = await fetch(`${api.baseUrl}/v1/events${query}`, { headers, signal: controller.signal });
  const frames: Frame[] = [];
  if (response.status !== 200 || !response.body)
    return { status: response.status, contentType: response.headers.get('content-type'), frames, close: () => controller.abort(), text: () => response.text() };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = { event: 'message', data: '' };
        let isEvent = false;
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          if (field === 'event') frame.event = rest.join(': ');
          if (field === 'id') frame.id = rest.join(': ');
          if (field === 'data') {
            frame.data = rest.join(': ');
            isEvent = true;
          }
        }
        if (isEvent) frames.push(frame);
      }
    }
  })();
  return { status: 200, contentType: response.headers.get('content-type'), frames, close: () => controller.abort(), text: async () => '' };
}

/** Polls `probe` until it answers something (an empty list is nothing). */
async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value && !(Array.isArray(value) && value.length === 0)) return value;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('the live stream (GET /v1/events)', () => {
  const world = new World();
  const saved = { cors: process.env.CORS_ORIGINS, inProcess: process.env.EXPORTS_IN_PROCESS };
  let api: TestApi;
  let console: Server;
  let consoleOrigin: string;
  let browser: Browser;
  let tenant: Tenant;
  let other: Tenant;
  let writer: Record<string, string>;

  beforeAll(async () => {
    console = createServer((_request, response) => void response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>console</title>'));
    await new Promise<void>((done) => console.listen(0, '127.0.0.1', done));
    consoleOrigin = `http://127.0.0.1:${(console.address() as { port: number }).port}`;
    process.env.CORS_ORIGINS = consoleOrigin;
    // The relay runs in the api here (it publishes what every relay of the run's database relays).
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Live'), world.tenant('Elsewhere')]);
    writer = world.bearer(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write']);
    browser = await launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, pipe: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await api.close();
    await new Promise((done) => console.close(done));
    for (const [key, value] of [
      ['CORS_ORIGINS', saved.cors],
      ['EXPORTS_IN_PROCESS', saved.inProcess],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await world.close();
  });

  async function raise(title: string, severity = 'high', headers = writer): Promise<string> {
    const send = () =>
      http<{ data: { id: string } }>(api, 'POST', '/v1/alerts', { body: { type: 'intrusion', source: 'live-test', title, severity }, headers });
    // Once: a kept-alive connection of this process may be one the browser test just closed.
    const created = await send().catch(send);
    expect(created.status).toBe(201);
    return created.body.data.id;
  }

  const about = (frames: Frame[], alertId: string) => frames.filter((frame) => frame.data.includes(alertId));

  it('should stream the tenant’s changes as events with the webhook payload, and nothing of another tenant', async () => {
    const stream = await openStream(api, '', world.bearer(tenant, ['alerts:read']));
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toMatch(/^text\/event-stream/);
      const foreign = await raise('Elsewhere', 'high', world.bearer(other, ['alerts:write']));
      const id = await raise('Live one');
      expect((await http(api, 'POST', `/v1/alerts/${id}/acknowledge`, { body: {}, headers: writer })).status).toBe(200);
      const [created, acknowledged] = await until('both events', () => about(stream.frames, id).length >= 2 && about(stream.frames, id));
      expect(created.event).toBe('alert.created');
      expect(created.id).toMatch(/^evt_/);
      expect(JSON.parse(created.data)).toMatchObject({
        type: 'alert.created',
        timestamp: expect.any(String),
        data: { id, status: 'open', tenant_id: tenant.id },
      });
      expect(acknowledged.event).toBe('alert.status_changed');
      expect(JSON.parse(acknowledged.data).data).toMatchObject({ status: 'acknowledged', previous_status: 'open' });
      expect(about(stream.frames, foreign)).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('should filter by types and the webhook filters, and check the scope of each type', async () => {
    const stream = await openStream(api, '?types=alert.created&severity=critical', world.bearer(tenant, ['alerts:read']));
    try {
      const low = await raise('Low', 'low');
      const critical = await raise('Critical', 'critical');
      await until('the critical alert', () => about(stream.frames, critical).length > 0);
      expect(about(stream.frames, low)).toEqual([]);
      expect(stream.frames.every((frame) => frame.event === 'alert.created')).toBe(true);
    } finally {
      stream.close();
    }
    const refused = await openStream(api, '?types=alert.created,threat_case.created', world.bearer(tenant, ['alerts:read']));
    expect(refused.status).toBe(403);
    expect(JSON.parse(await refused.text())).toMatchObject({ i18n_args: { scope: 'cases:read' } });
    expect((await openStream(api, '', world.bearer(tenant, ['webhooks:read']))).status).toBe(403);
    expect((await openStream(api, '?types=alert.deleted', world.bearer(tenant, ['alerts:read']))).status).toBe(400);
    expect((await openStream(api, '', { ...world.bearer(tenant, ['alerts:read']), 'last-event-id': 'nope' })).status).toBe(400);
    expect((await openStream(api, '', {})).status).toBe(401);
  });

  it('should resume after Last-Event-ID, and say so when it is older than the window', async () => {
    const reader = world.bearer(tenant, ['alerts:read']);
    const first = await openStream(api, '?types=alert.created', reader);
    const a = await raise('Resume A');
    const seenA = await until('A', () => about(first.frames, a)[0]);
    first.close();
    const b = await raise('Resume B');
    const c = await raise('Resume C');
    const resumed = await openStream(api, '?types=alert.created', { ...reader, 'last-event-id': seenA.id as string });
    try {
      await until('B and C replayed', () => about(resumed.frames, c).length > 0);
      const replayed = resumed.frames.filter((frame) => frame.data.includes('Resume'));
      expect(replayed.map((frame) => JSON.parse(frame.data).data.id)).toEqual([b, c]);
    } finally {
      resumed.close();
    }
    const gap = await openStream(api, '', { ...reader, 'last-event-id': 'evt_01AAAAAAAAAAAAAAAAAAAAAAAA' });
    try {
      const [frame] = await until('the gap', () => gap.frames.filter((f) => f.event === 'stream.gap'));
      expect(JSON.parse(frame.data)).toMatchObject({ last_event_id: 'evt_01AAAAAAAAAAAAAAAAAAAAAAAA' });
    } finally {
      gap.close();
    }
  });

  it('should reach a browser’s EventSource on another origin, which resumes after its connection drops', async () => {
    const token = world.token(tenant, ['alerts:read'], 'console-user');
    const page = await browser.newPage();
    try {
      await page.goto(`${consoleOrigin}/`);
      await page.evaluate(
        (url: string) => {
          const seen: { type: string; id: string; data: string }[] = [];
          (globalThis as unknown as { seen: typeof seen }).seen = seen;
          const source = new EventSource(url);
          source.addEventListener('alert.created', (event) =>
            seen.push({ type: event.type, id: (event as MessageEvent).lastEventId, data: (event as MessageEvent).data as string }),
          );
        },
        `${api.baseUrl}/v1/events?types=alert.created&access_token=${encodeURIComponent(token)}`,
      );
      const seenIn = () => page.evaluate(() => (globalThis as unknown as { seen: { type: string; id: string; data: string }[] }).seen);
      // The first alert is raised once the stream is open (EventSource connects on its own time): retried until one is seen.
      let before = '';
      for (let tries = 0; tries < 50 && !before; tries++) {
        const id = await raise('Browser one');
        await new Promise((done) => setTimeout(done, 200));
        if ((await seenIn()).some((event) => event.data.includes(id))) before = id;
      }
      expect(before).not.toBe('');
      // The connection drops (every socket of the api closed); an alert raised meanwhile reaches the browser on its reconnection, by Last-Event-ID.
      api.app.getHttpServer().closeAllConnections();
      const during = await raise('While disconnected');
      const deadline = Date.now() + 20_000;
      while (!(await seenIn()).some((event) => event.data.includes(during)) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
      const seen = await seenIn();
      const received = seen.filter((event) => event.data.includes(during));
      expect(received).toHaveLength(1);
      expect(received[0].id).toMatch(/^evt_/);
      expect(JSON.parse(received[0].data)).toMatchObject({ type: 'alert.created', data: { id: during } });
      expect(new Set(seen.map((event) => event.id)).size).toBe(seen.length);
    } finally {
      await page.close();
    }
  });
});
