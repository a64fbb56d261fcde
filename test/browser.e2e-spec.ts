import { createServer, Server } from 'node:http';

import { Browser, launch } from 'puppeteer-core';

import { Tenant } from '@app/database';
import { CHROMIUM_ARGS } from '@app/exports';

import { http, startApi, TestApi } from './utils/api';
import { alertRow, World } from './utils/world';

/**
 * Swagger UI is opened under a host name of its own. 127.0.0.2 would not do: Chromium counts all of
 * 127.0.0.0/8 as potentially trustworthy and does not upgrade its requests, as it does for any other
 * host. The browser resolves the name to 127.0.0.1, where the api listens.
 */
const DOCS_HOST = 'alert-ledger.test';

/** A console's page, served from another origin than the api's. */
function startConsole(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html><head><title>console</title></head><body>console</body></html>');
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

interface Seen {
  status: number;
  body: { data?: { id?: string }; [key: string]: unknown } | null;
  headers: Record<string, string | null>;
}

describe('browsers: a console on another origin, and Swagger UI on any host name', () => {
  const world = new World();
  const saved = process.env.CORS_ORIGINS;
  let api: TestApi;
  let console: Server;
  let consolePort: number;
  let browser: Browser;
  let tenant: Tenant;
  let token: string;
  let docsToken: string;

  beforeAll(async () => {
    console = await startConsole();
    consolePort = (console.address() as { port: number }).port;
    // The console is listed as http://127.0.0.1:<port>; the same page as http://localhost:<port> is another, unlisted, origin.
    process.env.CORS_ORIGINS = `http://127.0.0.1:${consolePort}`;
    api = await startApi();
    tenant = await world.tenant('Browser');
    token = world.token(tenant, ['alerts:read', 'alerts:write', 'cases:read', 'cases:write'], 'console-user');
    const docsTenant = await world.tenant('Swagger UI');
    docsToken = world.token(docsTenant, ['alerts:read'], 'docs-reader');
    await world.prisma.alert.createMany({
      data: [tenant, docsTenant].flatMap((owner) => Array.from({ length: 3 }, () => alertRow(owner.id, { type: 'port_scan' }))),
    });
    browser = await launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      pipe: true,
      args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${DOCS_HOST} 127.0.0.1`],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await api.close();
    await new Promise((done) => console.close(done));
    if (saved === undefined) delete process.env.CORS_ORIGINS;
    else process.env.CORS_ORIGINS = saved;
    await world.close();
  });

  it('should let a listed origin list, create, PATCH, change the lifecycle and PUT with If-Match, DELETE, and read ETag, Location, ids and rate limits', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${consolePort}/`);
      const seen = (await page.evaluate(
        async (base: string, bearer: string) => {
          const exposed = ['etag', 'location', 'x-request-id', 'traceparent', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'content-language'];
          const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
            const response = await fetch(`${base}${path}`, {
              method,
              headers: {
                authorization: `Bearer ${bearer}`,
                'accept-language': 'id',
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
                ...headers,
              },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await response.text();
            return {
              status: response.status,
              body: text ? JSON.parse(text) : null,
              headers: Object.fromEntries(exposed.map((name) => [name, response.headers.get(name)])),
            };
          };
          const list = await call('GET', '/v1/alerts?type=port_scan', {
            'x-request-id': 'console-list-1',
            traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          });
          const created = await call(
            'POST',
            '/v1/alerts',
            { 'idempotency-key': 'browser-create-1' },
            { type: 'intrusion', source: 'console', title: 'Seen in a browser', severity: 'high', alertable_type: 'manual' },
          );
          const id = created.body?.data?.id as string;
          const followUp = await call(
            'PATCH',
            `/v1/alerts/${id}/follow-up-status`,
            { 'if-match': created.headers.etag as string },
            { follow_up_status: 'followed_up', follow_up_notes: 'checked' },
          );
          const stale = await call(
            'PATCH',
            `/v1/alerts/${id}/follow-up-status`,
            { 'if-match': created.headers.etag as string },
            { follow_up_status: 'not_followed_up' },
          );
          const acknowledged = await call('POST', `/v1/alerts/${id}/acknowledge`, { 'if-match': followUp.headers.etag as string }, {});
          const assigned = await call('PUT', `/v1/alerts/${id}/assignee`, { 'if-match': acknowledged.headers.etag as string }, { assignee: 'analyst-7' });
          const threatCase = await call('POST', '/v1/threat-cases', {}, { alert_ids: [id], title: 'From the console' });
          const deleted = await call('DELETE', threatCase.headers.location as string);
          return { list, created, followUp, stale, acknowledged, assigned, threatCase, deleted };
        },
        api.baseUrl,
        token,
      )) as Record<string, Seen>;

      expect(seen.list.status).toBe(200);
      expect(seen.list.body?.items).toHaveLength(3);
      expect(seen.list.headers).toEqual(expect.objectContaining({ 'x-request-id': 'console-list-1', 'ratelimit-limit': '1200' }));
      expect(seen.list.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(Number(seen.list.headers['ratelimit-remaining'])).toBeLessThan(1200);
      expect(Number(seen.list.headers['ratelimit-reset'])).toBeGreaterThan(0);

      const id = seen.created.body?.data?.id;
      expect(seen.created).toEqual(expect.objectContaining({ status: 201, headers: expect.objectContaining({ etag: '"1"', location: `/v1/alerts/${id}` }) }));
      expect(seen.created.headers['x-request-id']).toMatch(/\S/);
      expect(seen.followUp).toEqual(expect.objectContaining({ status: 200, headers: expect.objectContaining({ etag: '"2"' }) }));
      // A stale If-Match: the browser reads the problem, its language and the current ETag.
      expect(seen.stale).toEqual(expect.objectContaining({ status: 412, headers: expect.objectContaining({ etag: '"2"', 'content-language': 'id' }) }));
      expect(seen.acknowledged).toEqual(expect.objectContaining({ status: 200, headers: expect.objectContaining({ etag: '"3"' }) }));
      expect(seen.assigned).toEqual(expect.objectContaining({ status: 200, headers: expect.objectContaining({ etag: '"4"' }) }));
      expect(seen.threatCase.status).toBe(201);
      expect(seen.threatCase.headers.location).toMatch(/^\/v1\/threat-cases\/tc_/);
      expect(seen.deleted.status).toBe(204);
    } finally {
      await page.close();
    }
  });

  it('should give an origin that is not listed no CORS header, so its browser refuses every answer', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://localhost:${consolePort}/`);
      const outcomes = await page.evaluate(
        async (base: string, bearer: string) => {
          const attempt = (path: string, init?: RequestInit) =>
            fetch(`${base}${path}`, init).then(
              (response) => `answered ${response.status}`,
              (error: Error) => `refused: ${error.message}`,
            );
          return [await attempt('/health/live'), await attempt('/v1/alerts', { headers: { authorization: `Bearer ${bearer}` } })];
        },
        api.baseUrl,
        token,
      );
      expect(outcomes).toEqual(['refused: Failed to fetch', 'refused: Failed to fetch']);
    } finally {
      await page.close();
    }
    const preflight = await http(api, 'OPTIONS', '/v1/alerts', {
      headers: { origin: `http://localhost:${consolePort}`, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect([...preflight.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('should answer a listed origin’s preflight with every method and the headers it asks for, and expose what the API sends', async () => {
    const requested = 'authorization, x-api-key, content-type, if-match, if-none-match, idempotency-key, accept-language, traceparent, x-request-id';
    const preflight = await http(api, 'OPTIONS', '/v1/alerts/alr_x/follow-up-status', {
      headers: { origin: `http://127.0.0.1:${consolePort}`, 'access-control-request-method': 'PATCH', 'access-control-request-headers': requested },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${consolePort}`);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, PATCH, DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(requested);
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    const answer = await http(api, 'GET', '/health/live', { headers: { origin: `http://127.0.0.1:${consolePort}` } });
    const exposed = answer.headers.get('access-control-expose-headers')?.split(', ');
    expect(exposed).toEqual(
      expect.arrayContaining([
        'ETag',
        'Location',
        'X-Request-Id',
        'traceparent',
        'RateLimit-Limit',
        'RateLimit-Remaining',
        'RateLimit-Reset',
        'Retry-After',
        'Content-Disposition',
        'Repr-Digest',
      ]),
    );
  });

  it('should render Swagger UI over plain HTTP on a host name that is not localhost, with optional filters empty, and execute the list', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://${DOCS_HOST}:${new URL(api.baseUrl).port}/docs`);
      await page.waitForSelector('#operations-alerts-listAlerts', { timeout: 30_000 });

      await page.click('.auth-wrapper .authorize');
      await page.waitForSelector('.modal-ux input');
      // The first scheme is the bearer JWT.
      await page.type('.modal-ux input', docsToken);
      await page.click('.modal-ux .auth-btn-wrapper .authorize');
      await page.click('.modal-ux .close-modal');

      await page.click('#operations-alerts-listAlerts .opblock-summary');
      await page.waitForSelector('#operations-alerts-listAlerts .try-out__btn');
      await page.click('#operations-alerts-listAlerts .try-out__btn');
      // Parameters whose examples Swagger UI would put in their inputs: scalars get one input each, arrays one per item.
      const withExamples = ['created_from', 'created_to', 'open_at', 'type', 'label', 'control'];
      const filled = await page.$$eval(withExamples.map((name) => `#operations-alerts-listAlerts tr[data-param-name="${name}"] input`).join(', '), (inputs) =>
        inputs.map((input) => (input as unknown as { value: string }).value),
      );
      expect(filled).toEqual(['', '', '']);

      const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/alerts');
      await page.click('#operations-alerts-listAlerts .execute');
      const response = await answered;
      expect(response.status()).toBe(200);
      const query = new URL(response.url()).searchParams;
      expect([...withExamples, 'q'].filter((name) => query.has(name))).toEqual([]);
      expect(((await response.json()) as { items: unknown[] }).items).toHaveLength(3);
    } finally {
      await page.close();
    }
  });
});
