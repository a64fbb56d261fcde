import { connect } from 'node:net';

import { Scope, SCOPES } from '@app/auth';
import { publicId } from '@app/common';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

interface Problem {
  type: string;
  status: number;
  errors?: { field: string; pointer: string; code: string }[];
  i18n_args?: Record<string, unknown>;
}

/** One request written on a socket as is: Node's own client refuses to send what these tests send. */
function rawRequest(api: TestApi, head: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(api.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [headers, body] = [received.slice(0, received.indexOf('\r\n\r\n')), received.slice(received.indexOf('\r\n\r\n') + 4)];
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1]), headers, body });
    });
  });
}

describe('text inputs, unknown tenants and errors of the HTTP layer', () => {
  let api: TestApi;
  const world = new World();
  let writer: Record<string, string>;
  let tenantId: string;

  beforeAll(async () => {
    api = await startApi();
    const tenant = await world.tenant('Text');
    tenantId = tenant.id;
    writer = world.bearer(
      tenant,
      SCOPES.filter((s: Scope) => s !== 'admin' && s !== 'auditor'),
    );
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  const alertCount = () => world.prisma.alert.count({ where: { tenantId } });

  function expectRefused(result: { status: number; headers: Headers; body: Problem }, field: string, pointer: string): void {
    expect([result.status, result.body.type]).toEqual([400, '/problems/validation-error']);
    expect(result.headers.get('content-type')).toContain('application/problem+json');
    expect(result.body.errors).toEqual([expect.objectContaining({ field, pointer, code: expect.any(String) })]);
  }

  it.each([
    ['a NUL in a query parameter', '/v1/alerts?q=%00abc', 'q', '/query/q'],
    ['escapes that are not UTF-8 in a query parameter', '/v1/alerts?q=%FFabc', 'q', '/query/q'],
    ['a truncated UTF-8 sequence in a query parameter', '/v1/alerts?source=%E0%A4', 'source', '/query/source'],
    ['a NUL in a path parameter', '/v1/alerts/by-alertable/event/%00', 'alertable_id', '/path/alertable_id'],
    ['escapes that are not UTF-8 in the path', '/v1/alerts/by-alertable/event/%FF', 'path', '/path'],
  ])('should refuse %s with 400 naming the field', async (_, path, field, pointer) => {
    expectRefused(await http<Problem>(api, 'GET', path, { headers: writer }), field, pointer);
  });

  it.each([
    ['a NUL in a body field of an alert', '/v1/alerts', '{"type":"t","source":"s","title":"a\\u0000b","severity":"high"}', 'title', '/body/title'],
    [
      'a NUL in a label of a batch',
      '/v1/alerts/batch',
      '{"items":[{"type":"t","source":"s","title":"x","severity":"high","labels":{"env":"pr\\u0000od"}}]}',
      'items[0].labels.env',
      '/body/items/0/labels/env',
    ],
    ['a lone surrogate in a case note', `/v1/threat-cases/${publicId('tc')}/timeline`, '{"message":"door \\ud800 forced"}', 'message', '/body/message'],
    [
      'a lone surrogate in an Alertmanager receiver',
      '/v1/ingest/alertmanager',
      '{"version":"4","status":"firing","receiver":"soc\\udc00","alerts":[]}',
      'receiver',
      '/body/receiver',
    ],
    ['a NUL in a threat-case query', '/v1/threat-cases/query', '{"filter":{"title":"\\u0000"}}', 'filter.title', '/body/filter/title'],
  ])('should refuse %s with 400 naming the field, and write nothing', async (_, path, rawBody, field, pointer) => {
    const before = await alertCount();
    expectRefused(await http<Problem>(api, 'POST', path, { rawBody, headers: { ...writer, 'content-type': 'application/json' } }), field, pointer);
    expect(await alertCount()).toBe(before);
  });

  it('should refuse a body string whose bytes are not UTF-8, naming the field', async () => {
    const body = Buffer.concat([Buffer.from('{"type":"t","source":"s","severity":"high","title":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await fetch(`${api.baseUrl}/v1/alerts`, { method: 'POST', body, headers: { ...writer, 'content-type': 'application/json' } });
    const problem = (await response.json()) as Problem;
    expect([response.status, problem.errors?.map((e) => e.field)]).toEqual([400, ['title']]);
  });

  it.each(['/v1/alerts', '/v1/alerts/batch', '/v1/threat-cases/query', '/v1/ingest/alertmanager', '/v1/exports'])(
    'should answer JSON nested 10,000 deep on %s with a 400 problem',
    async (path) => {
      const rawBody = `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
      const result = await http<Problem>(api, 'POST', path, { rawBody, headers: { ...writer, 'content-type': 'application/json' } });
      expect([result.status, result.body.type, result.body.errors?.[0].code]).toEqual([400, '/problems/validation-error', 'range']);
    },
  );

  it('should refuse, on every route, a signed credential whose tenant does not exist, with 401 unknown-tenant, and write nothing', async () => {
    const ghost = { id: publicId('tnt') };
    const headers = world.bearer(
      ghost,
      SCOPES.filter((s: Scope) => s !== 'auditor'),
    );
    const attempts: [string, string, unknown][] = [
      ['GET', '/v1/alerts', undefined],
      ['POST', '/v1/alerts', { type: 't', source: 's', title: 'ghost', severity: 'high' }],
      ['POST', '/v1/alerts/batch', { items: [{ type: 't', source: 's', title: 'ghost', severity: 'high' }] }],
      ['PATCH', '/v1/compliance/settings', { retention_days: 400 }],
      ['POST', '/v1/compliance/control-rules', { name: 'ghost rule', controls: ['PCI:10.2.1.1'], match: { types: ['x'] } }],
      ['GET', '/v1/tenants', undefined],
    ];
    for (const [method, path, body] of attempts) {
      const result = await http<Problem>(api, method, path, { body, headers });
      expect([method, path, result.status, result.body.type]).toEqual([method, path, 401, '/problems/unknown-tenant']);
      expect(result.body.i18n_args).toEqual({ tenant_id: ghost.id });
    }
    const written = await Promise.all([
      world.prisma.alert.count({ where: { tenantId: ghost.id } }),
      world.prisma.auditEvent.count({ where: { tenantId: ghost.id } }),
    ]);
    expect(written).toEqual([0, 0]);
  });

  it('should answer a NUL in a header and headers over 16 KiB with problem+json from the HTTP layer itself', async () => {
    const nul = await rawRequest(api, `GET /v1/alerts HTTP/1.1\r\nHost: x\r\nX-Api-Key: ak_\u0000x\r\n\r\n`);
    expect(nul.status).toBe(400);
    expect(nul.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(nul.body)).toEqual(expect.objectContaining({ type: '/problems/bad-request', status: 400 }));

    const huge = await rawRequest(api, `GET /v1/alerts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(17_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toEqual(expect.objectContaining({ type: '/problems/request-header-fields-too-large', status: 431, code: 10000018 }));
  });
});
