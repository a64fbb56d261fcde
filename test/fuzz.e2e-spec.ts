import { SCOPES } from '@app/auth';

import { http, startApi, TestApi } from './utils/api';
import { FuzzRequest, OpenApiDocument, operationsOf, Random, RequestFactory } from './utils/fuzz';
import { World } from './utils/world';

/** FUZZ_SEED reproduces a run; FUZZ_REQUESTS makes it longer. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2_400);
const CONCURRENCY = 6;

interface Outcome {
  request: FuzzRequest;
  status: number;
  contentType: string;
  body: string;
}

function describeRequest({ operation, method, url, body }: FuzzRequest): string {
  return `${operation}: ${method} ${url.slice(0, 300)}${body !== undefined ? ` ${body.slice(0, 300)}` : ''}`;
}

/** What is wrong with an answer: a 5xx, or an error that is not a problem+json document of its own status. */
function fault({ status, contentType, body }: Outcome): string | null {
  if (status >= 500) return `${status}: ${body.slice(0, 300)}`;
  if (status < 400) return null;
  if (!contentType.startsWith('application/problem+json')) return `${status} as ${contentType}`;
  try {
    const problem = JSON.parse(body) as { type?: unknown; status?: unknown };
    return typeof problem.type === 'string' && problem.status === status ? null : `${status} with a problem of status ${String(problem.status)}`;
  } catch {
    return `${status} with a body that is not JSON`;
  }
}

describe(`hostile requests over every operation of /openapi.json (seed ${SEED})`, () => {
  let api: TestApi;
  const world = new World();
  const saved = process.env.RATE_LIMIT_PER_MINUTE;

  beforeAll(async () => {
    process.env.RATE_LIMIT_PER_MINUTE = '1000000';
    api = await startApi();
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.RATE_LIMIT_PER_MINUTE;
    else process.env.RATE_LIMIT_PER_MINUTE = saved;
    await api.close();
    await world.close();
  });

  it(`should answer ${REQUESTS} generated requests without a 5xx, every error a problem+json`, async () => {
    const tenant = await world.tenant('Fuzz');
    // Every scope of a tenant principal; admin operations get an admin of the same tenant, except the
    // retention purge (403 for the tenant principal): as admin it would purge every tenant of the database
    // the other specs share.
    const member = world.bearer(
      tenant,
      SCOPES.filter((s) => s !== 'admin' && s !== 'auditor'),
      'fuzzer',
    );
    const admin = world.bearer(
      tenant,
      SCOPES.filter((s) => s !== 'auditor'),
      'fuzz-admin',
    );

    const created = await Promise.all(
      [1, 2, 3].map((i) =>
        http<{ data: { id: string } }>(api, 'POST', '/v1/alerts', {
          body: { type: 'brute_force', source: 'vpn', title: `fuzz ${i}`, severity: 'high', labels: { env: 'prod' } },
          headers: member,
        }),
      ),
    );
    const alertIds = created.map((r) => r.body.data.id);
    const threatCase = await http<{ data: { id: string } }>(api, 'POST', '/v1/threat-cases', { body: { alert_ids: alertIds.slice(0, 2) }, headers: member });
    const rule = await http<{ data: { id: string } }>(api, 'POST', '/v1/compliance/control-rules', {
      body: { name: 'fuzz', controls: ['PCI:10.2.1.1'], match: { types: ['brute_force'] } },
      headers: member,
    });
    const hold = await http<{ data: { id: string } }>(api, 'POST', '/v1/compliance/legal-holds', {
      body: { scope: 'threat_case', threat_case_id: threatCase.body.data.id, reason: 'fuzz' },
      headers: member,
    });
    const exported = await http<{ data: { job_id: string } }>(api, 'POST', '/v1/exports', {
      body: { resource: 'alerts', format: 'csv', scope: 'all' },
      headers: member,
    });
    const page = await http<{ pagination: { next_cursor: string } }>(api, 'GET', '/v1/alerts?pagination=cursor&page_size=1', { headers: member });
    const casePage = await http<{ pagination: { next_cursor: string } }>(api, 'GET', '/v1/threat-cases?pagination=cursor&page_size=1', { headers: member });
    const ids = [...alertIds, threatCase.body.data.id, rule.body.data.id, hold.body.data.id, exported.body.data.job_id, tenant.id];
    const known: Record<string, string[]> = {
      id: ids,
      alert_id: alertIds,
      job_id: [exported.body.data.job_id],
      case_id: [threatCase.body.data.id],
      tenant_id: [tenant.id],
      cursor: [page.body.pagination.next_cursor, casePage.body.pagination.next_cursor].filter(Boolean),
    };

    const document = (await http<OpenApiDocument>(api, 'GET', '/openapi.json')).body;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(50);
    const factory = new RequestFactory(document, new Random(SEED), known);
    const credential = (operation: (typeof operations)[number]) =>
      operation.scopes.includes('admin') && !operation.path.endsWith('/retention/purge') ? admin : member;
    const requests = operations.flatMap((operation) => factory.memberRequests(operation, credential(operation)));
    for (let i = 0; requests.length < REQUESTS; i++)
      requests.push(factory.request(operations[i % operations.length], credential(operations[i % operations.length])));

    const faults: string[] = [];
    const answered = new Set<string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const request = requests[next++];
        let outcome: Outcome;
        try {
          const response = await fetch(`${api.baseUrl}${request.url}`, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.timeout(30_000),
          });
          const contentType = response.headers.get('content-type') ?? '';
          // A live stream (GET /v1/events) that opened never ends by itself: its headers are the answer.
          const streaming = response.ok && contentType.startsWith('text/event-stream');
          if (streaming) await response.body?.cancel();
          outcome = { request, status: response.status, contentType, body: streaming ? '' : await response.text() };
        } catch (error) {
          faults.push(`${describeRequest(request)} → no answer: ${(error as Error).message}`);
          continue;
        }
        answered.add(request.operation);
        const problem = fault(outcome);
        if (problem) faults.push(`${describeRequest(request)} → ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(requests.length).toBeGreaterThanOrEqual(Math.min(REQUESTS, 2_000));

    expect(faults).toEqual([]);
    expect(answered.size).toBe(operations.length);
  }, 240_000);
});
