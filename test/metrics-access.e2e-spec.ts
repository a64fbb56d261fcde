import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

describe('/metrics with METRICS_PUBLIC=false, and CORS from config', () => {
  let api: TestApi;
  const world = new World();

  beforeAll(async () => {
    process.env.METRICS_PUBLIC = 'false';
    process.env.CORS_ORIGINS = 'https://console.example';
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should need an admin credential, while health stays public', async () => {
    expect((await http(api, 'GET', '/metrics')).status).toBe(401);
    const tenant = await world.tenant('Metrics');
    const forbidden = await http(api, 'GET', '/metrics', { headers: world.bearer(tenant, ['alerts:read', 'audit:read']) });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.i18n_args).toEqual({ scope: 'admin' });
    const admin = await http(api, 'GET', '/metrics', { headers: await world.admin() });
    expect(admin.status).toBe(200);
    expect(admin.text).toContain('http_requests_total');
    expect((await http(api, 'GET', '/health/ready')).status).toBe(200);
  });

  it('should allow the configured origin only', async () => {
    const allowed = await http(api, 'GET', '/health/live', { headers: { origin: 'https://console.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(allowed.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    const other = await http(api, 'GET', '/health/live', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
