import { Controller, Get, Module } from '@nestjs/common';

import { createHttpApp, Public } from '@app/common';
import { AppConfig } from '@app/config';

import { AppModule } from '../apps/api/src/app.module';
import { http, TestApi } from './utils/api';
import { World } from './utils/world';

/** A route that fails the way a real bug does, to see what a 500 gives away. */
@Public()
@Controller('test-fault')
class FaultController {
  @Get()
  fail(): never {
    throw new Error('relation "secret_table" does not exist: SELECT password FROM users');
  }
}

@Module({ imports: [AppModule], controllers: [FaultController] })
class FaultyAppModule {}

const PROBLEM_FIELDS = [
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'i18n_key',
  'i18n_args',
  'request_id',
  'trace_id',
  'span_id',
  'service',
  'timestamp',
];

describe('problem details over HTTP', () => {
  let api: TestApi;
  const world = new World();
  let admin: Record<string, string>;

  beforeAll(async () => {
    admin = await world.admin();
    const app = await createHttpApp(FaultyAppModule, AppConfig.fromEnvironment());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    api = { app, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => app.close() };
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  function expectProblem(result: { status: number; headers: Headers; body: Record<string, unknown> }, status: number, slug: string): void {
    expect(result.status).toBe(status);
    expect(result.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    for (const field of PROBLEM_FIELDS) expect(result.body).toHaveProperty(field);
    expect(result.body.type).toBe(`/problems/${slug}`);
    expect(result.body.status).toBe(status);
    expect(String(result.body.code)).toMatch(/^\d{8}$/);
    expect(result.body.request_id).toBe(result.headers.get('x-request-id'));
  }

  it('should answer a body with a missing and an unknown field with 400 and one entry per field', async () => {
    const result = await http(api, 'POST', '/v1/tenants', { body: { slug: 'Not Valid!', colour: 'red' }, headers: admin });
    expectProblem(result, 400, 'validation-error');
    const errors = result.body.errors as { field: string; pointer: string; code: string }[];
    expect(errors.map(({ field, pointer, code }) => ({ field, pointer, code }))).toEqual(
      expect.arrayContaining([
        { field: 'name', pointer: '/body/name', code: 'required' },
        { field: 'slug', pointer: '/body/slug', code: 'format' },
        { field: 'colour', pointer: '/body/colour', code: 'unknown' },
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('should answer an out-of-range query parameter with 400 pointing into the query', async () => {
    const result = await http(api, 'GET', '/v1/tenants?page_size=500&sort_by=colour', { headers: admin });
    expectProblem(result, 400, 'validation-error');
    const errors = (result.body.errors as { pointer: string; code: string }[]).map((e) => [e.pointer, e.code]);
    expect(errors).toHaveLength(2);
    expect(errors).toEqual(
      expect.arrayContaining([
        ['/query/page_size', 'range'],
        ['/query/sort_by', 'enum'],
      ]),
    );
    expect(result.body.instance).toBe('/v1/tenants?page_size=500&sort_by=colour');
  });

  it('should answer malformed JSON with 400 malformed-json', async () => {
    expectProblem(await http(api, 'POST', '/v1/tenants', { rawBody: '{"name": ', headers: { 'content-type': 'application/json' } }), 400, 'malformed-json');
  });

  it('should answer an unknown route with 404 route-not-found', async () => {
    const result = await http(api, 'GET', '/v1/nothing-here');
    expectProblem(result, 404, 'route-not-found');
    expect(result.body.detail).toBe('No operation exists at GET /v1/nothing-here.');
  });

  it('should answer a wrong method with 405 and an Allow header', async () => {
    const result = await http(api, 'DELETE', '/v1/tenants');
    expectProblem(result, 405, 'method-not-allowed');
    expect(result.headers.get('allow')).toBe('GET, POST');
  });

  it('should answer OPTIONS with 204 and Allow, never 405, and without CORS headers when CORS_ORIGINS is empty', async () => {
    const preflight = await http(api, 'OPTIONS', '/v1/tenants', { headers: { origin: 'https://console.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expect([...preflight.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect((await http(api, 'OPTIONS', '/v1/alerts/alr_x/follow-up-status')).status).toBe(204);
    expectProblem(await http(api, 'OPTIONS', '/v1/nothing-here'), 404, 'route-not-found');
  });

  it('should answer a unique violation with 409 naming the field, and store nothing twice', async () => {
    const first = await http(api, 'POST', '/v1/tenants', { body: { name: 'Dup', slug: 'dup-tenant' }, headers: admin });
    expect(first.status).toBe(201);
    const second = await http(api, 'POST', '/v1/tenants', { body: { name: 'Dup again', slug: 'dup-tenant' }, headers: admin });
    expectProblem(second, 409, 'conflict');
    expect(second.body.errors).toEqual([expect.objectContaining({ field: 'slug' })]);
  });

  it('should answer a body over the limit with 413', async () => {
    const limit = AppConfig.fromEnvironment().bodyLimitBytes;
    const result = await http(api, 'POST', '/v1/tenants', { body: { name: 'x'.repeat(limit + 1), slug: 'big' } });
    expectProblem(result, 413, 'payload-too-large');
    expect(result.body.i18n_args).toEqual({ limit_bytes: limit });
  });

  it('should answer a body that is not JSON with 415', async () => {
    const result = await http(api, 'POST', '/v1/tenants', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(result, 415, 'unsupported-media-type');
    expect(result.body.detail).toContain('application/x-www-form-urlencoded');
  });

  it('should answer an unexpected error with 500 and keep its cause out of the body', async () => {
    const result = await http(api, 'GET', '/test-fault');
    expectProblem(result, 500, 'internal-error');
    expect(result.text).not.toMatch(/secret_table|SELECT|password|stack/i);
    expect(result.body.detail).toContain(result.body.request_id as string);
  });

  it('should translate the title for Korean and Indonesian and say which language it used', async () => {
    const ko = await http(api, 'GET', '/v1/nothing', { headers: { 'accept-language': 'ko-KR,ko;q=0.9' } });
    expect(ko.body.title).toBe('경로를 찾을 수 없음');
    expect(ko.headers.get('content-language')).toBe('ko');
    const id = await http(api, 'POST', '/v1/tenants', { body: {}, headers: { ...admin, 'accept-language': 'id' } });
    expect(id.body.title).toBe('Parameter permintaan tidak valid');
    expect((id.body.errors as { description: string }[])[0].description).toMatch(/wajib diisi/);
    const fallback = await http(api, 'GET', '/v1/nothing', { headers: { 'accept-language': 'fr' } });
    expect(fallback.body.title).toBe('Route not found');
  });

  it('should continue the caller trace and echo its request id on a failure', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const result = await http(api, 'GET', '/v1/nothing', {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-request-id': 'client-req-42' },
    });
    expect(result.headers.get('x-request-id')).toBe('client-req-42');
    expect(result.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(result.body.trace_id).toBe(traceId);
    expect(result.body.request_id).toBe('client-req-42');
    expect(result.headers.get('traceparent')).toContain(result.body.span_id as string);
  });

  it('should replace an invalid traceparent and an unsafe request id', async () => {
    const result = await http(api, 'GET', '/health/live', { headers: { traceparent: 'garbage', 'x-request-id': 'bad id<script>' } });
    expect(result.status).toBe(200);
    expect(result.headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(result.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('should serve a documentation page at each problem type URI', async () => {
    const page = await http(api, 'GET', '/problems/invalid-cursor');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('10000003');
    const json = await http(api, 'GET', '/problems/conflict', { headers: { accept: 'application/json' } });
    expect(json.body).toEqual(expect.objectContaining({ type: '/problems/conflict', status: 409, code: 10000010 }));
    expectProblem(await http(api, 'GET', '/problems/no-such-problem'), 404, 'resource-not-found');
  });
  it('should list at most 100 violations, count them all, and cut echoed names and paths to their documented bounds', async () => {
    const body = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`unknown_${'n'.repeat(600)}_${i}`, 1]));
    const result = await http<{ errors: { field: string; pointer: string }[]; i18n_args: { count: number } }>(api, 'POST', '/v1/tenants', {
      headers: admin,
      body,
    });
    expect(result.status).toBe(400);
    expect(result.body.errors).toHaveLength(100);
    expect(result.body.i18n_args.count).toBeGreaterThanOrEqual(150);
    for (const error of result.body.errors) {
      expect(error.field.length).toBeLessThanOrEqual(500);
      expect(error.pointer.length).toBeLessThanOrEqual(500);
    }
    expect(result.body.errors.some((error) => error.field.endsWith('…'))).toBe(true);

    const missing = await http<{ instance: string }>(api, 'GET', `/v1/${'x'.repeat(3_000)}`, { headers: admin });
    expect(missing.status).toBe(404);
    expect(missing.body.instance).toHaveLength(2_048);
    expect(missing.body.instance).toMatch(/^\/v1\/x+…$/);
  });
});
