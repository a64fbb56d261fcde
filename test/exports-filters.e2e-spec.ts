import { appendAuditEvents } from '@app/audit-trail';
import { publicId } from '@app/common';
import { Tenant } from '@app/database';
import { Random } from '@app/database/seed/random';

import { http, startApi, TestApi } from './utils/api';
import { downloadExport, parseCsv, startExport, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

/**
 * An auditor's export must never disagree with the screen: for random filter combinations of each
 * resource, the list walked to its end by cursor and a CSV export of the same filters hold exactly the
 * same records (the records of the list created before the export's as_of). FILTER_SEED reproduces a run.
 */
const SEED = Number(process.env.FILTER_SEED ?? Date.now() % 2 ** 31);
const COMBINATIONS = Number(process.env.FILTER_COMBINATIONS ?? 6);

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 3, 1);
const ZONES = ['UTC', 'Asia/Jakarta', 'America/New_York'];
const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
const ALERT_STATUSES = ['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'] as const;
const CASE_STATUSES = ['INITIATED', 'REQUESTED', 'ESCALATED', 'VERIFIED', 'DISMISSED', 'CLOSED'] as const;
const TYPES = ['intrusion', 'malware', 'policy'];
const SOURCES = ['ids-suricata', 'edr-falcon', 'Waf_Edge%'];
const ASSIGNEES = ['alice', 'bob', 'carol'];
const CONTROLS = ['ISO27001:A.5.26', 'ISO27001:A.8.15', 'PCI:10.2.1.1'];
const TAGS = ['phishing', 'team:soc', 'vip'];
const DEVICES = ['dev-1', 'dev-2', 'dev-3', 'dev-4'];
const LOCATIONS = ['loc-a', 'loc-b', 'loc-c'];
const ACTORS = ['alice', 'bob', 'system'];
const ACTIONS = ['alert.acknowledge', 'alert.resolve', 'threat_case.create', 'tenant.update'];
const RESOURCE_TYPES = ['alert', 'threat_case', 'tenant'];

type Filters = Record<string, string>;
type Item = { id: string; at?: string; created_at?: string };
type List = { items: Item[]; pagination: { next_cursor: string | null } };

/** A few distinct values of `values`, comma-separated. */
function some(random: Random, values: readonly string[]): string {
  return values.filter(() => random.chance(0.5)).join(',') || random.pick(values);
}

/** A created_from/created_to pair (or one of them) inside the data's ten days, as dates or timestamps, in a random zone. */
function dateRange(random: Random, filters: Filters): void {
  const from = BASE + random.int(0, 8) * DAY + random.int(0, 23) * 3_600_000;
  // Two days apart at least: a date-only bound read in a zone moves by up to 14 hours (a FILTER_SEED drew
  // `2025-04-02T21:00Z` to `2025-04-03` in Asia/Jakarta, an empty range the API refuses).
  const to = from + random.int(2, 5) * DAY;
  const asText = (ms: number) => (random.chance(0.5) ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString());
  const which = random.int(0, 2);
  if (which !== 1) filters.created_from = asText(from);
  if (which !== 0) filters.created_to = asText(to);
  if (filters.created_from && filters.created_to && filters.created_to <= filters.created_from) delete filters.created_to;
  filters.timezone = random.pick(ZONES);
}

/** Each filter of a resource is given with some probability; the generators draw values the data holds. */
const GENERATORS: Record<'alerts' | 'threat_cases' | 'audit_trail', (random: Random) => Filters> = {
  alerts: (random) => {
    const f: Filters = {};
    if (random.chance(0.4)) f.severity = some(random, SEVERITIES);
    if (random.chance(0.4)) f.status = some(random, ALERT_STATUSES);
    if (random.chance(0.3)) f.type = some(random, TYPES);
    if (random.chance(0.3)) f.source = random.pick(['suricata', 'EDR', '%', 'waf_', 'nothing']);
    if (random.chance(0.3)) f.assignee = some(random, ASSIGNEES);
    if (random.chance(0.25)) f.label = random.pick(['env:prod', 'env:dev', 'team:sec']);
    if (random.chance(0.25)) f.control = some(random, CONTROLS);
    if (random.chance(0.2)) f.q = random.pick(['disk', 'Login', 'alert 1']);
    if (random.chance(0.3)) f.tag = some(random, TAGS);
    if (random.chance(0.25)) f.tags_all = some(random, TAGS);
    if (random.chance(0.5)) dateRange(random, f);
    return f;
  },
  threat_cases: (random) => {
    const f: Filters = {};
    if (random.chance(0.4)) f.status = some(random, CASE_STATUSES);
    if (random.chance(0.4)) f.device_id = some(random, DEVICES);
    if (random.chance(0.3)) f.location_id = some(random, LOCATIONS);
    if (random.chance(0.3)) f.control = some(random, CONTROLS);
    if (random.chance(0.3)) f.assignee = some(random, ASSIGNEES);
    if (random.chance(0.3)) f.severity = some(random, SEVERITIES);
    if (random.chance(0.3)) f.tag = some(random, TAGS);
    if (random.chance(0.25)) f.tags_all = some(random, TAGS);
    if (random.chance(0.5)) dateRange(random, f);
    return f;
  },
  audit_trail: (random) => {
    const f: Filters = {};
    if (random.chance(0.4)) f.actor = random.pick(ACTORS);
    if (random.chance(0.4)) f.action = some(random, ACTIONS);
    if (random.chance(0.3)) f.resource_type = random.pick(RESOURCE_TYPES);
    if (random.chance(0.2)) f.resource_id = random.pick(['res-1', 'res-2', 'res-3']);
    if (random.chance(0.3)) f.outcome = random.pick(['success', 'failure']);
    if (random.chance(0.5)) dateRange(random, f);
    return f;
  },
};

const LISTS = { alerts: '/v1/alerts', threat_cases: '/v1/threat-cases', audit_trail: '/v1/audit-trail' };
const SORTS = {
  alerts: ['created_at', 'severity', 'status', 'title', 'updated_at'],
  threat_cases: ['created_at', 'updated_at', 'severity'],
  audit_trail: ['at'],
};

describe(`exports hold what the list shows, for random filters (FILTER_SEED=${SEED})`, () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let headers: Record<string, string>;
  /** The ids of the other tenant's records: in neither the list nor the export. */
  const foreign = new Set<string>();

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    const [mine, other] = await Promise.all([world.tenant('Filters'), world.tenant('Filters elsewhere')]);
    tenant = mine;
    // Not an auditor: an auditor's every request would add an audit event of its own.
    headers = world.bearer(tenant, ['alerts:read', 'cases:read', 'audit:read', 'exports:read', 'exports:write'], 'filter-walker');
    // The data: fixed (seed 7), so that every filter seed runs against the same records.
    const data = new Random(7);
    const at = (i: number) => new Date(BASE + data.int(0, 9) * DAY + data.int(0, 86_399) * 1000 + i);
    await world.prisma.alert.createMany({
      data: [mine, other].flatMap((t) =>
        Array.from({ length: t === mine ? 90 : 10 }, (_, i) => {
          const status = data.pick(ALERT_STATUSES);
          const createdAt = at(i);
          return alertRow(t.id, {
            createdAt,
            updatedAt: new Date(createdAt.getTime() + data.int(0, 3) * DAY),
            title: `${data.pick(['Disk full', 'Login failed', 'Alert'])} ${i}`,
            severity: data.pick(SEVERITIES),
            status,
            resolvedAt: status === 'resolved' ? new Date(createdAt.getTime() + 60_000) : null,
            type: data.pick(TYPES),
            source: data.pick(SOURCES),
            assignee: data.chance(0.7) ? data.pick(ASSIGNEES) : null,
            labels: data.chance(0.6) ? { env: data.pick(['prod', 'dev']), ...(data.chance(0.5) ? { team: 'sec' } : {}) } : {},
            controls: CONTROLS.filter(() => data.chance(0.3)),
            tags: TAGS.filter(() => data.chance(0.35)),
          });
        }),
      ),
    });
    await world.prisma.threatCase.createMany({
      data: [mine, other].flatMap((t) =>
        Array.from({ length: t === mine ? 60 : 8 }, (_, i) => {
          const createdAt = at(i);
          return {
            id: publicId('tc', createdAt.getTime()),
            tenantId: t.id,
            createdBy: 'seed',
            createdAt,
            updatedAt: new Date(createdAt.getTime() + data.int(0, 3) * DAY),
            status: data.pick(CASE_STATUSES),
            deviceId: data.chance(0.8) ? data.pick(DEVICES) : null,
            associatedDeviceIds: DEVICES.filter(() => data.chance(0.2)),
            locationId: data.chance(0.8) ? data.pick(LOCATIONS) : null,
            controls: CONTROLS.filter(() => data.chance(0.3)),
            assignee: data.chance(0.7) ? data.pick(ASSIGNEES) : null,
            severity: data.pick(SEVERITIES),
            tags: TAGS.filter(() => data.chance(0.35)),
            deleted: data.chance(0.15),
          };
        }),
      ),
    });
    for (const t of [mine, other]) {
      for (let day = 0; day < 10; day++) {
        const entries = Array.from({ length: 8 }, () => ({
          tenantId: t.id,
          action: data.pick(ACTIONS),
          resourceType: data.pick(RESOURCE_TYPES),
          resourceId: data.chance(0.8) ? data.pick(['res-1', 'res-2', 'res-3']) : null,
          outcome: data.pick(['success', 'failure'] as const),
          actor: { id: data.pick(ACTORS), type: 'jwt' as const },
        }));
        await world.prisma.$transaction((tx) => appendAuditEvents(tx, t.id, entries, new Date(BASE + day * DAY + data.int(0, 86_399) * 1000)));
      }
    }
  });

  beforeAll(async () => {
    const where = { where: { tenantId: { not: tenant.id } }, select: { id: true } };
    const rows = await Promise.all([world.prisma.alert.findMany(where), world.prisma.threatCase.findMany(where), world.prisma.auditEvent.findMany(where)]);
    for (const row of rows.flat()) foreign.add(row.id);
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  /** Every item of the list of these filters, walked page by page by cursor in a random sort. */
  async function walk(resource: keyof typeof LISTS, filters: Filters, random: Random): Promise<Item[]> {
    const query = new URLSearchParams({
      ...filters,
      pagination: 'cursor',
      page_size: String(random.int(3, 20)),
      sort_by: random.pick(SORTS[resource]),
      sort_direction: random.pick(['asc', 'desc']),
    });
    const items: Item[] = [];
    for (let pages = 0; pages < 1_000; pages++) {
      const page = await http<List>(api, 'GET', `${LISTS[resource]}?${query}`, { headers });
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      if (!page.body.pagination.next_cursor) return items;
      query.set('cursor', page.body.pagination.next_cursor);
    }
    throw new Error('the list did not end');
  }

  /** The ids of a completed CSV export of these filters, and its as_of. */
  async function exported(resource: keyof typeof LISTS, filters: Filters): Promise<{ ids: string[]; asOf: string }> {
    const id = await startExport(api, { resource, format: 'csv', scope: 'filtered', filters }, headers);
    const status = await waitForExport(api, id, headers);
    expect(status.status).toBe('completed');
    const file = await downloadExport(api, id, headers);
    const [header, ...rows] = parseCsv(file.bytes.toString('utf8').replace(/^\uFEFF/, ''));
    const column = header.indexOf('id');
    return { ids: rows.filter((row) => row.length > 1).map((row) => row[column]), asOf: status.manifest?.as_of as string };
  }

  for (const resource of Object.keys(LISTS) as (keyof typeof LISTS)[]) {
    it(`should list and export the same ${resource} for ${COMBINATIONS} random filter combinations`, async () => {
      const random = new Random(SEED + resource.length);
      for (let n = 0; n < COMBINATIONS; n++) {
        const filters = GENERATORS[resource](random);
        try {
          const file = await exported(resource, filters);
          // The list walked now also holds what was written after the export's point in time (the audit events of this test's own requests).
          const asOf = Date.parse(file.asOf);
          const listed = (await walk(resource, filters, random)).filter((item) => Date.parse(item.at ?? item.created_at ?? '') < asOf).map((item) => item.id);
          expect(new Set(listed).size).toBe(listed.length);
          expect(new Set(file.ids).size).toBe(file.ids.length);
          expect([...file.ids].sort()).toEqual([...listed].sort());
          expect(file.ids.filter((id) => foreign.has(id))).toEqual([]);
        } catch (error) {
          (error as Error).message = `FILTER_SEED=${SEED}, ${resource} combination ${n}, filters ${JSON.stringify(filters)}:\n${(error as Error).message}`;
          throw error;
        }
      }
    });
  }
});
