import { http, HttpResult, startApi, TestApi } from './utils/api';
import { sample } from './utils/metrics';
import { World } from './utils/world';

describe('rate limits', () => {
  let api: TestApi;
  const world = new World();

  beforeAll(async () => {
    process.env.RATE_LIMIT_PER_MINUTE = '5';
    api = await startApi();
  });

  afterAll(async () => {
    await api.close();
    await world.close();
  });

  it('should answer 429 with retry_after and Retry-After once a principal passes its limit, count it in /metrics, and count principals apart', async () => {
    const tenant = await world.tenant('Limited');
    const alice = world.bearer(tenant, ['audit:read'], 'alice');
    const statuses: number[] = [];
    let last: HttpResult<Record<string, unknown>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await http(api, 'GET', '/v1/tenants', { headers: alice });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last?.body.type).toBe('/problems/rate-limited');
    const retryAfter = Number(last?.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last?.body.retry_after).toBe(retryAfter);
    expect(last?.headers.get('ratelimit-remaining')).toBe('0');
    expect(sample((await http(api, 'GET', '/metrics')).text, 'alert_ledger_rate_limited_requests_total')).toBe(1);
    const bob = await http(api, 'GET', '/v1/tenants', { headers: world.bearer(tenant, ['audit:read'], 'bob') });
    expect(bob.status).toBe(200);
    expect(bob.headers.get('ratelimit-remaining')).toBe('4');
  });
});
