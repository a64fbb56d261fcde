import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Tenant } from '@app/database';
import { PART_THREAD_APPLICATION } from '@app/exports/runner/part-thread';

import { http, TestApi, withApiEnv } from './utils/api';
import { cancelRunningExport, downloadExport, ExportStatus, parseCsv, startExport, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

/**
 * Large CSV and NDJSON exports are written by part threads (runner/export-parts.ts). Their file and
 * data digest must be byte for byte what the job's own thread writes; a cancel must stop them; a part
 * thread that loses its connection must cost an attempt, never a wrong file.
 */
describe('exports written in parts by threads', () => {
  const world = new World();
  let tenant: Tenant;
  let auditor: Record<string, string>;
  const exportDir = process.env.EXPORT_DIR as string;
  const base = Date.UTC(2025, 2, 1);
  const inParts = { EXPORTS_IN_PROCESS: 'true', EXPORT_THREADS: '2', EXPORT_PARALLEL_MIN_RECORDS: '1', EXPORT_PART_RECORDS: '7' };
  const oneThread = { EXPORTS_IN_PROCESS: 'true', EXPORT_THREADS: '1' };

  beforeAll(async () => {
    tenant = await world.tenant('Parts');
    auditor = world.bearer(tenant, ['alerts:read', 'cases:read', 'cases:write', 'audit:read', 'exports:read', 'exports:write'], 'parts-auditor');
    const special = [
      { title: '=cmd|"/c calc"!A1', alertableId: '00012345678901234567' },
      { title: '서버 과부하 — 告警 — Überlast', message: 'line one\r\nline "two", with comma', labels: { env: 'prod', team: 'sec ops' } },
      { title: '-2+3', annotations: { summary: 'tab\there', runbook: 'https://runbooks.example/x?a=1&b="2"' } },
    ];
    await world.prisma.alert.createMany({
      data: [
        ...special.map((fields, i) => alertRow(tenant.id, { ...fields, severity: 'critical', createdAt: new Date(base + i) })),
        // Many in the same millisecond: the part boundaries fall inside runs of equal created_at.
        ...Array.from({ length: 95 }, (_, i) =>
          alertRow(tenant.id, {
            severity: (['info', 'low', 'medium', 'high', 'critical'] as const)[i % 5],
            createdAt: new Date(base + 3600_000 + Math.floor(i / 10)),
          }),
        ),
        ...Array.from({ length: 6_000 }, (_, i) => alertRow(tenant.id, { type: 'many', createdAt: new Date(base + 2 * 86_400_000 + i * 1000) })),
      ],
    });
  });

  afterAll(async () => {
    await world.close();
  });

  const start = (api: TestApi, body: Record<string, unknown>): Promise<string> => startExport(api, body, auditor);

  async function exported(api: TestApi, body: Record<string, unknown>): Promise<{ status: ExportStatus; bytes: Buffer }> {
    const status = await waitForExport(api, await start(api, body), auditor);
    expect(status).toEqual(expect.objectContaining({ status: 'completed', error_message: null }));
    return { status, bytes: (await downloadExport(api, status.job_id, auditor)).bytes };
  }

  it('should write the same bytes and data digest with part threads as with the job’s own thread, for every resource', async () => {
    await withApiEnv({ EXPORTS_IN_PROCESS: 'true' }, async (api) => {
      const alerts = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, severity: 'critical' }, take: 14, orderBy: { id: 'asc' } });
      for (const [i, alert] of alerts.entries()) {
        const created = await http(api, 'POST', '/v1/threat-cases', {
          body: { alert_ids: [alert.id], title: i % 2 ? `Case ${i}` : `=Case "${i}", west`, device_id: `cam-${i}` },
          headers: auditor,
        });
        expect(created.status).toBe(201);
      }
    });
    const requests = [
      { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['intrusion'] }, timezone: 'Asia/Kolkata' },
      { resource: 'alerts', format: 'ndjson', scope: 'filtered', filters: { type: ['intrusion'] } },
      { resource: 'threat_cases', format: 'csv', scope: 'all', timezone: 'America/New_York' },
      { resource: 'audit_trail', format: 'ndjson', scope: 'filtered', filters: { resource_type: 'threat_case' } },
    ];
    const results: Record<string, { status: ExportStatus; bytes: Buffer }[]> = {};
    for (const env of [inParts, oneThread]) {
      await withApiEnv(env, async (api) => {
        for (const body of requests) (results[`${body.resource}.${body.format}`] ??= []).push(await exported(api, body));
      });
    }
    for (const [name, [parts, single]] of Object.entries(results)) {
      expect({ name, rows: parts.status.manifest?.row_count }).toEqual({ name, rows: single.status.manifest?.row_count });
      expect(parts.status.manifest?.row_count).toBeGreaterThan(7); // two parts or more
      expect({ name, equal: parts.bytes.equals(single.bytes) }).toEqual({ name, equal: true });
      expect(parts.status.manifest?.data_sha256).toBe(single.status.manifest?.data_sha256);
    }
    // The NDJSON file is the digest's input, so the digest of the alerts' CSV equals the NDJSON file's.
    expect(results['alerts.csv'][0].status.manifest?.data_sha256).toBe(results['alerts.ndjson'][0].status.sha256);
    const [header, ...rows] = parseCsv(results['alerts.csv'][0].bytes.toString('utf8').slice(1));
    const expected = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, type: 'intrusion' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    expect(rows.map((r) => r[header.indexOf('id')])).toEqual(expected.map((a) => a.id));
    expect(rows[0][header.indexOf('title')]).toBe(`'=cmd|"/c calc"!A1`);
    expect(rows[0][header.indexOf('created_at')]).toBe('2025-03-01T05:30:00.000+05:30');
    expect(rows[1][header.indexOf('message')]).toBe('line one\r\nline "two", with comma');
  }, 240_000); // eight exports on three api instances: minutes when the whole suite shares two cores

  it('should write only the chosen columns (fields), in their order with id first, alike with part threads and without', async () => {
    const body = { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['intrusion'] }, fields: ['title', 'severity', 'created_at'] };
    const [parts, single] = [
      await withApiEnv(inParts, (api) => exported(api, body)),
      await withApiEnv(oneThread, (api) => exported(api, { ...body, format: 'pdf' })),
    ];
    const [header, ...rows] = parseCsv(parts.bytes.toString('utf8').slice(1));
    expect(header).toEqual(['id', 'title', 'severity', 'created_at']);
    expect(rows.filter((row) => row.length > 1)).toHaveLength(parts.status.manifest?.row_count as number);
    expect(parts.status.manifest?.fields).toEqual(['id', 'title', 'severity', 'created_at']);
    // The same records and columns, so the same digest (over the chosen columns), whatever the format.
    expect(single.status.manifest?.data_sha256).toBe(parts.status.manifest?.data_sha256);

    await withApiEnv(oneThread, async (api) => {
      const refused = await http<{ errors: { field: string; code: string; description: string }[] }>(api, 'POST', '/v1/exports', {
        body: { ...body, fields: ['title', 'password'] },
        headers: auditor,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'fields', code: 'enum', description: expect.stringContaining('password') })]);
      // A report's table shows the chosen columns it has: choosing none of them would print an empty table.
      const empty = await http<{ errors: { field: string; code: string; description: string }[] }>(api, 'POST', '/v1/exports', {
        body: { resource: 'audit_trail', format: 'pdf', scope: 'all', fields: ['details'] },
        headers: auditor,
      });
      expect(empty.status).toBe(400);
      expect(empty.body.errors).toEqual([
        expect.objectContaining({ field: 'fields', code: 'invalid', description: expect.stringContaining('seq, at, actor') }),
      ]);
    });
  }, 120_000);

  it('should hold exactly the first EXPORT_MAX_RECORDS records when parts write them, marked incomplete', async () => {
    await withApiEnv({ ...inParts, EXPORT_MAX_RECORDS: '20' }, async (api) => {
      const { status, bytes } = await exported(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['many'] } });
      expect(status.manifest).toEqual(expect.objectContaining({ row_count: 20, matched_count: 6_000, complete: false }));
      const [header, ...rows] = parseCsv(bytes.toString('utf8').slice(1));
      const expected = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id, type: 'many' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 20,
        select: { id: true },
      });
      expect(rows.map((r) => r[header.indexOf('id')])).toEqual(expected.map((a) => a.id));
    });
  });

  it('should stop its part threads within seconds on cancel and leave no part file', async () => {
    // 1,200 parts of 5: long enough that the cancel lands while they are written.
    await withApiEnv({ ...inParts, EXPORT_PART_RECORDS: '5' }, async (api) => {
      const id = await start(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['many'] } });
      const running = await waitForExport(api, id, auditor, (s) => s.status !== 'pending' && (s.status !== 'processing' || s.progress.processed > 0));
      expect(running.status).toBe('processing');
      expect(running.progress.processed).toBeLessThan(6_000);
      await cancelRunningExport(api, id, auditor, exportDir);
      expect(await readdir(join(exportDir, tenant.id)).catch(() => [])).not.toContain(`${id}.csv`);
      // A terminated thread's backend goes as soon as PostgreSQL sees the socket close.
      let connections = -1;
      for (const deadline = Date.now() + 5_000; connections !== 0 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
        connections = (
          await world.prisma.$queryRaw<
            { n: number }[]
          >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${PART_THREAD_APPLICATION} AND datname = current_database()`
        )[0].n;
      }
      expect(connections).toBe(0);
      expect((await waitForExport(api, id, auditor)).status).toBe('cancelled');
    });
  });

  it('should fail the job at once with the storage error when a part thread cannot write its part, and leave no part file', async () => {
    await withApiEnv({ ...inParts, EXPORT_PART_RECORDS: '5' }, async (api) => {
      const id = await start(api, { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { type: ['many'] } });
      await waitForExport(api, id, auditor, (s) => s.status !== 'pending');
      // The job is claimed before its work directory is made afresh (emptied): the obstacle goes in once it is there.
      const work = join(exportDir, '.work', id);
      for (const deadline = Date.now() + 30_000; !existsSync(work) && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 5));
      // The last of 1,200 parts finds a directory where its file should go: EISDIR in a part thread.
      await mkdir(join(work, 'part-1199.csv'), { recursive: true });
      const status = await waitForExport(api, id, auditor);
      expect(status).toEqual(expect.objectContaining({ status: 'failed', attempts: 1, file_ready: false }));
      expect(status.error_message).toMatch(
        /^Could not write the export file: a directory stands where the export file should be \(EISDIR at .*part-1199\.csv\)\.$/,
      );
      expect(existsSync(join(exportDir, '.work', id))).toBe(false);
    });
  });

  it('should retry an attempt whose part thread lost its database connection, and then write the whole file', async () => {
    await withApiEnv({ ...inParts, EXPORT_PART_RECORDS: '100' }, async (api) => {
      const id = await start(api, { resource: 'alerts', format: 'ndjson', scope: 'filtered', filters: { type: ['many'] } });
      // Only a thread in the middle of a part: its last statement a FETCH, so a CLOSE at least is still to come
      // and must fail. A thread whose last part is written may lose its connection unnoticed, and that is fine.
      let killed = 0;
      for (const deadline = Date.now() + 30_000; killed === 0 && Date.now() < deadline;) {
        const rows = await world.prisma.$queryRaw<
          { n: number }[]
        >`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = ${PART_THREAD_APPLICATION} AND datname = current_database() AND query LIKE 'FETCH %'`;
        killed = rows[0].n;
        if (killed === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(killed).toBeGreaterThan(0);
      const status = await waitForExport(api, id, auditor);
      expect(status).toEqual(expect.objectContaining({ status: 'completed', attempts: 2, error_message: null }));
      const lines = (await downloadExport(api, id, auditor)).bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: string });
      const expected = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id, type: 'many' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: { id: true },
      });
      expect(lines.map((l) => l.id)).toEqual(expected.map((a) => a.id));
    });
  });
});
