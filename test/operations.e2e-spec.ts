import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { pendingSchemaChanges } from '@app/database/migrator/migrator';

import { http, startApi, TestApi } from './utils/api';

const run = promisify(execFile);

describe('operations', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startApi();
  });

  afterAll(() => api.close());

  it('should report live and ready with the database, Redis and the browser up', async () => {
    expect((await http(api, 'GET', '/health/live')).body).toEqual({ status: 'ok', checks: {} });
    const ready = await http(api, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', browser: 'up' } });
  });

  it('should count requests by route template and status in /metrics', async () => {
    await http(api, 'GET', '/v1/tenants/tnt_missing', { headers: { 'x-api-key': 'nonsense' } });
    const metrics = await http(api, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/tenants\/:id",status="401"\} [1-9]/);
    expect(metrics.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/tenants\/:id",status="401"\}/);
  });

  describe('the OpenAPI document', () => {
    let document: {
      paths: Record<
        string,
        Record<string, { operationId?: string; summary?: string; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> }>
      >;
      components: { schemas: Record<string, unknown>; responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
    };

    beforeAll(async () => {
      document = (await http(api, 'GET', '/openapi.json')).body as unknown as typeof document;
    });

    it('should give every operation an operationId, a summary and problem responses for 4xx/5xx', () => {
      const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
      expect(operations.length).toBeGreaterThan(5);
      const faults: string[] = [];
      for (const { path, method, op } of operations) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) faults.push(`${name}: no operationId`);
        if (!op.summary) faults.push(`${name}: no summary`);
        const problems = Object.entries(op.responses).filter(([status]) => /^[45]/.test(status));
        if (!problems.some(([status]) => status === '500')) faults.push(`${name}: no 500 response`);
        for (const [status, answer] of problems) {
          // 401, 413 and 415 are shared responses (#/components/responses/…), read through their $ref.
          const ref = (answer as { $ref?: string }).$ref;
          const response = ref ? document.components.responses[ref.split('/').pop()!] : answer;
          if (response.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/ProblemSchema')
            faults.push(`${name} ${status}: not the problem schema`);
        }
      }
      expect(faults).toEqual([]);
      const ids = operations.map(({ op }) => op.operationId);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('should describe list parameters with their bounds and enums', () => {
      const params = (document.paths['/v1/tenants'].get as unknown as { parameters: { name: string; schema: Record<string, unknown> }[] }).parameters;
      const byName = Object.fromEntries(params.map((p) => [p.name, p.schema]));
      expect(byName.page_size).toEqual(expect.objectContaining({ minimum: 1, maximum: 200 }));
      expect(byName.sort_by).toEqual(expect.objectContaining({ enum: ['created_at', 'name', 'slug', 'id'] }));
    });

    it('should describe the compliance parameters, bodies and enums', () => {
      type Param = { name: string; in: string; description?: string; schema: { type?: string; items?: { type?: string } } };
      const params = (path: string, method: string) => (document.paths[path][method] as unknown as { parameters: Param[] }).parameters;
      const list = Object.fromEntries(params('/v1/alerts', 'get').map((p) => [p.name, p]));
      expect(list.control).toEqual(expect.objectContaining({ in: 'query', description: expect.stringContaining('Control ids') }));
      expect(list.open_at).toEqual(expect.objectContaining({ in: 'query', description: expect.stringContaining('open at this instant') }));
      expect(params('/v1/alerts/stats/severity', 'get').map((p) => p.name)).toEqual(expect.arrayContaining(['control', 'open_at']));
      expect(params('/v1/threat-cases', 'get').map((p) => p.name)).toContain('control');
      for (const path of ['/v1/compliance/control-rules/{id}', '/v1/compliance/legal-holds/{id}', '/v1/threat-cases/{id}/approvals']) {
        const method = path.endsWith('approvals') ? 'post' : 'get';
        expect(params(path, method)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'id', in: 'path' })]));
      }
      const schemas = document.components.schemas as Record<string, { enum?: string[]; properties?: Record<string, unknown> }>;
      expect(schemas.ExportFormat.enum).toContain('evidence-pack');
      expect(schemas.LegalHoldScope.enum).toEqual(['tenant', 'threat_case']);
      expect(schemas.CloseDecision.enum).toEqual(['approve', 'reject']);
      expect(schemas.BulkOutcome.enum).toContain('note_required');
      expect(Object.keys(schemas.AlertDto.properties ?? {})).toEqual(
        expect.arrayContaining(['controls', 'time_to_acknowledge_seconds', 'time_to_resolve_seconds']),
      );
      expect(Object.keys(schemas.CreateControlRuleDto.properties ?? {}).sort()).toEqual(['controls', 'description', 'enabled', 'match', 'name']);
      expect(Object.keys(schemas.UpdateComplianceSettingsDto.properties ?? {}).sort()).toEqual(['four_eyes_close', 'note_required_from', 'retention_days']);
      expect(document.paths['/v1/threat-cases/{id}/transitions'].post.responses['202']).toBeDefined();
    });

    it('should give the alert list and system history parameters their enum names, bounds and defaults, so a generated client needs no hand edits', () => {
      type Schema = Record<string, unknown>;
      const schemasOf = (path: string, method = 'get'): Record<string, Schema> =>
        Object.fromEntries(
          (document.paths[path][method] as unknown as { parameters: { name: string; schema: Schema }[] }).parameters.map((p) => [p.name, p.schema]),
        );
      const named = (name: string, fallback: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: fallback });
      const arrayOf = (name: string) => ({ type: 'array', maxItems: 50, items: { $ref: `#/components/schemas/${name}` } });
      const components = document.components.schemas as Record<string, { enum?: string[]; properties?: Record<string, Schema> }>;

      const list = schemasOf('/v1/alerts');
      expect(list.page).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000, default: 1 });
      expect(list.page_size).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 200, default: 20 });
      expect(list.pagination).toEqual(named('PaginationMode', 'offset'));
      expect(list.sort_direction).toEqual(named('SortDirection', 'desc'));
      expect(list.sort_by).toEqual(named('AlertSortField', 'created_at'));
      expect(list.timezone).toEqual(expect.objectContaining({ type: 'string', default: 'UTC' }));
      // true in offset mode, false in cursor mode: one default would be wrong in one of them.
      expect(list.include_total).toEqual({ type: 'boolean' });
      expect(list.cursor).toEqual({ type: 'string', maxLength: 8192 });
      expect(list.severity).toEqual(arrayOf('AlertSeverity'));
      expect(list.status).toEqual(arrayOf('AlertStatus'));
      expect(list.alertable_type).toEqual(arrayOf('AlertableType'));
      expect(list.follow_up_status).toEqual(arrayOf('FollowUpStatus'));

      const history = schemasOf('/v1/systems/{system_key}/alerts/history');
      expect(Object.keys(history).sort()).toEqual([
        'alertname',
        'from_date',
        'page',
        'page_size',
        'severity',
        'sort_by',
        'sort_direction',
        'status',
        'suppressed',
        'system_key',
        'to_date',
      ]);
      expect(history.page).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000, default: 1 });
      expect(history.page_size).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 200, default: 20 });
      expect(history.sort_by).toEqual(named('SystemHistorySortField', 'created_at'));
      expect(history.sort_direction).toEqual(named('SortDirection', 'desc'));
      expect(history.from_date).toEqual(expect.objectContaining({ type: 'string', format: 'date-time' }));
      expect(history.to_date).toEqual(expect.objectContaining({ type: 'string', format: 'date-time' }));
      expect(history.severity).toEqual(arrayOf('AlertSeverity'));
      expect(history.status).toEqual(arrayOf('AlertStatus'));

      expect(components.AlertSortField.enum).toEqual([
        'created_at',
        'updated_at',
        'severity',
        'status',
        'starts_at',
        'ends_at',
        'id',
        'title',
        'instance',
        'duplicate_count',
        'last_received_at',
      ]);
      expect(components.SystemHistorySortField.enum).toEqual(['id', 'alertname', 'severity', 'status', 'starts_at', 'ends_at', 'created_at']);
      expect(components.SortDirection.enum).toEqual(['asc', 'desc']);
      expect(components.PaginationMode.enum).toEqual(['offset', 'cursor']);
      expect(components.AlertSeverity.enum).toEqual(['info', 'low', 'medium', 'high', 'critical']);
      expect(components.AlertStatus.enum).toEqual(['open', 'acknowledged', 'escalated', 'resolved', 'dismissed']);

      expect(schemasOf('/v1/alerts/stats/source').limit).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 1_000, default: 50 });
      expect(schemasOf('/v1/alerts/stats/timeseries').interval).toEqual(named('StatsInterval', 'day'));
      expect(components.CreateAlertBatchDto.properties?.alerts).toEqual(expect.objectContaining({ type: 'array', minItems: 1, maxItems: 1_000 }));
      expect(components.BulkActionDto.properties?.ids).toEqual(expect.objectContaining({ type: 'array', minItems: 1, maxItems: 1_000 }));
      expect(components.BulkOutcome.enum).toEqual(['updated', 'not_found', 'invalid_transition', 'note_required']);
      expect(JSON.stringify(document)).not.toContain('x-query-default');
    });

    it('should serve Swagger UI at /docs', async () => {
      const docs = await http(api, 'GET', '/docs');
      expect(docs.status).toBe(200);
      expect(docs.text).toContain('swagger-ui');
    });
  });

  it('should find schema.prisma and the migrations in agreement', async () => {
    expect(await pendingSchemaChanges(process.env.DATABASE_URL as string)).toBe('');
  });

  it('should stop at start with one line naming a malformed variable', async () => {
    const env = { ...process.env, PORT: 'eighty', JWT_SECRET: '' };
    const failure = await run(process.execPath, ['--import', 'tsx', 'apps/api/src/main.ts'], { env }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failure && failure.code).toBe(78);
    const lines = (failure as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toEqual([
      'Invalid configuration: PORT is malformed ("eighty"): expected a TCP port from 1 to 65535; JWT_SECRET is malformed (0 characters): expected a secret of at least 32 characters (HS256 signing key)',
    ]);
  });
});
