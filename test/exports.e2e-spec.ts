import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { Workbook } from 'exceljs';

import { Tenant } from '@app/database';
import { ExportSweeper, ROWS_PER_PAGE } from '@app/exports';

import { http, startApi, TestApi } from './utils/api';
import { cancelRunningExport, downloadExport, ExportStatus, parseCsv, pdfPageTexts, pdfText, waitForExport } from './utils/exports';
import { alertRow, World } from './utils/world';

type Accepted = { data: { job_id: string; status: string; estimated_time_seconds: number; total_records: number } };

const DAY = 86_400_000;
const base = Date.UTC(2025, 3, 1, 0, 0, 0);

describe('exports', () => {
  let api: TestApi;
  const world = new World();
  let tenant: Tenant;
  let other: Tenant;
  let auditor: Record<string, string>;
  let otherAuditor: Record<string, string>;
  const exportDir = process.env.EXPORT_DIR as string;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    [tenant, other] = await Promise.all([world.tenant('Exports'), world.tenant('Elsewhere')]);
    auditor = world.bearer(tenant, ['alerts:read', 'audit:read', 'exports:read', 'exports:write'], 'auditor-1');
    otherAuditor = world.bearer(other, ['alerts:read', 'exports:read', 'exports:write'], 'auditor-2');
    const special = [
      { title: '=HYPERLINK("http://evil.example")', severity: 'critical' as const, alertableId: '12345678901234567890' },
      { title: '서버 과부하 — 告警 — Überlast', severity: 'high' as const, message: 'line one\nline "two", with comma' },
      { title: '+1 suspicious call', severity: 'high' as const, labels: { env: 'prod', team: 'sec' } },
    ];
    await world.prisma.alert.createMany({
      data: [
        ...special.map((fields, i) => alertRow(tenant.id, { ...fields, createdAt: new Date(base + i * 3_600_000) })),
        ...Array.from({ length: 57 }, (_, i) =>
          alertRow(tenant.id, { severity: (['info', 'low', 'medium', 'high', 'critical'] as const)[i % 5], createdAt: new Date(base + DAY + i * 60_000) }),
        ),
        ...Array.from({ length: 5 }, (_, i) => alertRow(other.id, { severity: 'critical', createdAt: new Date(base + i * 60_000) })),
      ],
    });
  });

  afterAll(async () => {
    await api.close();
    await world.close();
    delete process.env.EXPORTS_IN_PROCESS;
  });

  async function start(body: Record<string, unknown>, headers = auditor): Promise<string> {
    const result = await http<Accepted>(api, 'POST', '/v1/exports', { body, headers });
    expect(result.status).toBe(202);
    return result.body.data.job_id;
  }

  async function finished(id: string, headers = auditor): Promise<ExportStatus> {
    const status = await waitForExport(api, id, headers);
    expect(status).toEqual(expect.objectContaining({ status: 'completed', file_ready: true, error_message: null }));
    return status;
  }

  function sha256(bytes: Buffer): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  describe('CSV', () => {
    it('should answer 202 with the job, count and Location, then write a CSV that opens in Excel and matches the data', async () => {
      const body = { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { severity: 'high,critical' }, timezone: 'Asia/Jakarta' };
      const accepted = await http<Accepted>(api, 'POST', '/v1/exports', { body, headers: auditor });
      expect(accepted.status).toBe(202);
      const expected = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id, severity: { in: ['high', 'critical'] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      expect(accepted.body.data).toEqual(expect.objectContaining({ status: 'pending', total_records: expected.length }));
      expect(accepted.body.data.estimated_time_seconds).toBeGreaterThan(0);
      expect(accepted.headers.get('location')).toBe(`/v1/exports/${accepted.body.data.job_id}`);

      const status = await finished(accepted.body.data.job_id);
      expect(status.progress).toEqual({ processed: expected.length, total: expected.length, percent: 100 });
      expect(status.manifest).toEqual(
        expect.objectContaining({
          resource: 'alerts',
          scope: 'filtered',
          filters: expect.objectContaining({ severity: ['high', 'critical'] }),
          timezone: 'Asia/Jakarta',
          requested_by: 'auditor-1',
          row_count: expected.length,
          matched_count: expected.length,
          complete: true,
          incomplete_reason: null,
          file_sha256: status.sha256,
        }),
      );

      const file = await downloadExport(api, status.job_id, auditor);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${status.file_name}"`);
      expect(status.file_name).toMatch(/^alerts-\d{8}-exp_[0-9A-Z]{26}\.csv$/);
      expect(file.headers.get('content-length')).toBe(String(file.bytes.length));
      expect(file.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(file.bytes).digest('base64')}:`);
      expect(file.headers.get('etag')).toBe(`"${sha256(file.bytes)}"`);
      expect(sha256(file.bytes)).toBe(status.sha256);
      expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

      const [header, ...rows] = parseCsv(file.bytes.toString('utf8').slice(1));
      expect(header.slice(0, 4)).toEqual(['id', 'created_at', 'severity', 'status']);
      expect(rows.map((r) => r[0])).toEqual(expected.map((a) => a.id));
      const byTitle = (title: string) => rows.find((r) => r[header.indexOf('title')].includes(title.slice(1))) as string[];
      expect(byTitle('=HYPERLINK')[header.indexOf('title')]).toBe(`'=HYPERLINK("http://evil.example")`);
      expect(byTitle('+1 suspicious')[header.indexOf('title')]).toBe("'+1 suspicious call");
      expect(byTitle('=HYPERLINK')[header.indexOf('alertable_id')]).toBe('="12345678901234567890"');
      const korean = rows.find((r) => r[header.indexOf('title')] === '서버 과부하 — 告警 — Überlast') as string[];
      expect(korean[header.indexOf('message')]).toBe('line one\nline "two", with comma');
      expect(korean[header.indexOf('created_at')]).toBe('2025-04-01T08:00:00.000+07:00');
      const labelled = byTitle('+1 suspicious');
      expect(JSON.parse(labelled[header.indexOf('labels')])).toEqual({ env: 'prod', team: 'sec' });

      const events = await world.prisma.auditEvent.findMany({ where: { tenantId: tenant.id, resourceId: status.job_id }, orderBy: { seq: 'asc' } });
      expect(events.map((e) => e.action)).toEqual(['export.create', 'export.complete', 'export.download']);
      expect(events[1].details).toEqual(expect.objectContaining({ file_sha256: status.sha256, row_count: expected.length, complete: true }));
    });

    it('should serve byte ranges of the file and refuse a range outside it with 416', async () => {
      const id = await start({ resource: 'alerts', format: 'csv', scope: 'all' });
      const status = await finished(id);
      const whole = await downloadExport(api, id, auditor);
      const part = await fetch(`${api.baseUrl}/v1/exports/${id}/download`, { headers: { ...auditor, range: 'bytes=10-19' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 10-19/${status.size_bytes}`);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(whole.bytes.subarray(10, 20));
      const stale = await fetch(`${api.baseUrl}/v1/exports/${id}/download`, { headers: { ...auditor, range: 'bytes=0-9', 'if-range': '"another"' } });
      expect(stale.status).toBe(200);
      const outside = await http(api, 'GET', `/v1/exports/${id}/download`, { headers: { ...auditor, range: `bytes=${status.size_bytes}-` } });
      expect(outside.status).toBe(416);
      expect(outside.headers.get('content-range')).toBe(`bytes */${status.size_bytes}`);
      expect(outside.body).toEqual(expect.objectContaining({ type: '/problems/range-not-satisfiable', code: 10040003 }));
    });
  });

  describe('NDJSON', () => {
    it('should export exactly the selected alerts, with the data digest equal to the file digest', async () => {
      const picked = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, severity: 'low' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      const id = await start({ resource: 'alerts', format: 'ndjson', scope: 'selected', ids: picked.map((a) => a.id).reverse() });
      const status = await finished(id);
      const file = await downloadExport(api, id, auditor);
      expect(file.headers.get('content-type')).toBe('application/x-ndjson');
      const lines = file.bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((l) => l.id)).toEqual(picked.map((a) => a.id));
      expect(lines[0]).toEqual(expect.objectContaining({ severity: 'low', status: 'open', created_at: picked[0].createdAt.toISOString(), labels: {} }));
      expect(status.manifest?.data_sha256).toBe(sha256(file.bytes));
      expect(status.manifest?.ids).toHaveLength(picked.length);
    });
  });

  describe('XLSX', () => {
    it('should write typed cells with dates in the export time zone, a frozen header with filters and a manifest sheet', async () => {
      const id = await start({
        resource: 'alerts',
        format: 'xlsx',
        scope: 'filtered',
        filters: { created_from: '2025-04-01', created_to: '2025-04-02' },
        timezone: 'Asia/Jakarta',
      });
      const status = await finished(id);
      const file = await downloadExport(api, id, auditor);
      expect(file.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const book = new Workbook();
      await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
      const sheet = book.getWorksheet('Records');
      if (!sheet) throw new Error('no Records sheet');
      // Midnight to midnight in Jakarta (UTC+7) is 2025-03-31T17:00Z to 2025-04-01T17:00Z: the three special alerts.
      const expected = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id, createdAt: { gte: new Date('2025-03-31T17:00:00Z'), lt: new Date('2025-04-01T17:00:00Z') } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      expect(status.total_records).toBe(expected.length);
      expect(sheet.rowCount).toBe(expected.length + 1);
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      expect(header.slice(0, 3)).toEqual(['id', 'created_at', 'severity']);
      expect(sheet.views[0]).toEqual(expect.objectContaining({ state: 'frozen', ySplit: 1 }));
      expect(sheet.autoFilter).toBeTruthy();
      const first = sheet.getRow(2);
      expect(first.getCell(1).value).toBe(expected[0].id);
      // The wall-clock time in Jakarta, stored as Excel stores local times.
      expect(first.getCell(2).value).toEqual(new Date('2025-04-01T07:00:00.000Z'));
      expect(first.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
      expect(first.getCell(header.indexOf('version') + 1).value).toBe(1);
      expect(first.getCell(header.indexOf('title') + 1).value).toBe('=HYPERLINK("http://evil.example")');
      expect(first.getCell(header.indexOf('title') + 1).type).toBe(3); // ValueType.String: stored as text, never a formula
      const manifest = book.getWorksheet('Manifest');
      const fields = Object.fromEntries((manifest?.getSheetValues() ?? []).slice(2).map((row) => [(row as unknown[])[1], (row as unknown[])[2]]));
      expect(fields).toEqual(expect.objectContaining({ export_id: id, row_count: String(expected.length), data_sha256: status.manifest?.data_sha256 }));
    });

    it('should take seed 000\'s format "excel" as xlsx', async () => {
      const id = await start({ resource: 'alerts', format: 'excel', scope: 'filtered', filters: { severity: ['critical'] } });
      const status = await finished(id);
      expect(status).toEqual(expect.objectContaining({ format: 'xlsx', file_name: expect.stringMatching(/\.xlsx$/) }));
      const file = await downloadExport(api, id, auditor);
      expect(file.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const book = new Workbook();
      await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
      expect(book.getWorksheet('Records')?.rowCount).toBe(1 + (await world.prisma.alert.count({ where: { tenantId: tenant.id, severity: 'critical' } })));
      const created = await world.prisma.auditEvent.findFirstOrThrow({ where: { resourceId: id, action: 'export.create' } });
      expect(created.details).toEqual(expect.objectContaining({ format: 'xlsx' }));
    });

    it("should count cells cut to Excel's limit in the manifest and call the export incomplete", async () => {
      const long = await world.tenant('Long cells');
      const headers = world.bearer(long, ['alerts:read', 'exports:read', 'exports:write'], 'auditor-3');
      await world.prisma.alert.createMany({
        data: [alertRow(long.id, { message: 'm'.repeat(40_000), createdAt: new Date(base) }), alertRow(long.id, { createdAt: new Date(base + 1000) })],
      });
      const xlsx = await finished(await start({ resource: 'alerts', format: 'xlsx', scope: 'all' }, headers), headers);
      expect(xlsx.manifest).toEqual(
        expect.objectContaining({
          row_count: 2,
          truncated_cells: 1,
          complete: false,
          incomplete_reason: expect.stringMatching(/^XLSX cells cut to Excel's limit of 32767 characters: 1 /),
        }),
      );
      const book = new Workbook();
      await book.xlsx.load((await downloadExport(api, xlsx.job_id, headers)).bytes as unknown as ArrayBuffer);
      const sheet = book.getWorksheet('Records');
      const header = (sheet?.getRow(1).values as unknown[]).slice(1);
      expect(String(sheet?.getRow(2).getCell(header.indexOf('message') + 1).value)).toMatch(/^m+ \[…cut: Excel's cell limit; see CSV\]$/);
      const csv = await finished(await start({ resource: 'alerts', format: 'csv', scope: 'all' }, headers), headers);
      expect(csv.manifest).toEqual(expect.objectContaining({ truncated_cells: 0, complete: true, incomplete_reason: null }));
      const [csvHeader, ...rows] = parseCsv((await downloadExport(api, csv.job_id, headers)).bytes.toString('utf8').slice(1));
      expect(rows[0][csvHeader.indexOf('message')]).toBe('m'.repeat(40_000));
    });
  });

  describe('alert rules', () => {
    it('should put alert_rule as it was when the alert was raised in CSV, NDJSON and XLSX columns', async () => {
      const ruled = await world.tenant('Exports rules');
      const headers = world.bearer(ruled, ['alerts:read', 'exports:read', 'exports:write']);
      const rule = {
        alertRuleId: 'rule-fr-07',
        alertRuleName: 'Unknown face',
        alertRuleDescription: 'Faces not enrolled',
        alertRuleActive: false,
        alertRuleAnalyticId: 'FR',
      };
      // Both before the export's point in time (as_of), the ruled one first.
      const row = alertRow(ruled.id, { ...rule, createdAt: new Date(Date.now() - 2000) });
      const bare = alertRow(ruled.id, { createdAt: new Date(Date.now() - 1000) });
      await world.prisma.alert.createMany({ data: [row, bare] });
      const expected = ['rule-fr-07', 'Unknown face', 'Faces not enrolled', false, 'FR'];
      const keys = ['alert_rule_id', 'alert_rule_name', 'alert_rule_description', 'alert_rule_active', 'alert_rule_analytic_id'];

      const ndjson = await start({ resource: 'alerts', format: 'ndjson', scope: 'all' }, headers);
      await finished(ndjson, headers);
      const lines = (await downloadExport(api, ndjson, headers)).bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => keys.map((key) => line[key]))).toEqual([expected, [null, null, null, null, null]]);

      const csv = await start({ resource: 'alerts', format: 'csv', scope: 'all' }, headers);
      await finished(csv, headers);
      const [head, first] = (await downloadExport(api, csv, headers)).bytes
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .split('\r\n');
      const at = head.split(',');
      const cells = first.split(',');
      expect(keys.map((key) => cells[at.indexOf(key)])).toEqual(['rule-fr-07', 'Unknown face', 'Faces not enrolled', 'false', 'FR']);

      const xlsx = await start({ resource: 'alerts', format: 'xlsx', scope: 'all' }, headers);
      await finished(xlsx, headers);
      const book = new Workbook();
      await book.xlsx.load((await downloadExport(api, xlsx, headers)).bytes as unknown as ArrayBuffer);
      const sheet = book.getWorksheet('Records');
      const header = (sheet?.getRow(1).values as unknown[]).slice(1);
      expect(keys.map((key) => sheet?.getRow(2).getCell(header.indexOf(key) + 1).value)).toEqual(expected);
    });
  });

  describe('PDF', () => {
    it('should render the evidence report: cover fields, summary, controls, every row, and page X of Y with the export id on each page', async () => {
      const id = await start({ resource: 'alerts', format: 'pdf', scope: 'all', timezone: 'UTC', title: 'Q2 evidence for the auditors' });
      const status = await finished(id);
      const file = await downloadExport(api, id, auditor);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const { text, pages } = await pdfText(file.bytes);
      const rows = status.manifest?.row_count as number;
      expect(rows).toBe(60);
      expect(pages).toBe(3 + Math.ceil(rows / ROWS_PER_PAGE));
      expect(text).toContain('Q2 evidence for the auditors');
      expect(text).toContain(tenant.name);
      expect(text).toMatch(new RegExp(`Records in this report\\s+${rows}\\n`));
      expect(text).toContain(status.manifest?.data_sha256 as string);
      expect(text).toContain('Complete: every selected record is included.');
      expect(text).toContain('Alerts by severity');
      // The response times: five severities, then the overall row over every alert.
      expect(text).toMatch(/\n {20,}Info( +[0–-]+){8}\n {20,}All( +[0–-]+){8}\n/);
      expect(text).toContain('ISO/IEC 27001:2022 A.8.15');
      expect(text).toContain('PCI DSS v4.0 Requirement 10');
      expect(text).toContain(`Page 1 of ${pages}`);
      expect(text).toContain(`Page ${pages} of ${pages}`);
      expect(text.split(id).length - 1).toBeGreaterThanOrEqual(pages);
      const titles = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, title: { startsWith: 'Test alert' } }, select: { title: true } });
      for (const { title } of titles) expect(text).toContain(title);
      // Ids and timestamps are evidence: never shortened, whatever else a narrow column has to cut.
      const alerts = await world.prisma.alert.findMany({ where: { tenantId: tenant.id }, select: { id: true, createdAt: true } });
      expect(alerts).toHaveLength(rows);
      for (const alert of alerts) {
        expect(text).toContain(alert.id);
        expect(text).toContain(alert.createdAt.toISOString().slice(0, 19).replace('T', ' '));
      }
    });

    /** Per page: "page i of N" as the locale says it, the export id and the data digest in the footer; the table's ids in order. */
    async function checkPages(id: string, status: ExportStatus, pageOf: (page: number, pages: number) => string, expectedIds: string[]): Promise<string[]> {
      const pages = await pdfPageTexts((await downloadExport(api, id, auditor)).bytes);
      expect(pages).toHaveLength(3 + Math.max(1, Math.ceil(expectedIds.length / ROWS_PER_PAGE)));
      pages.forEach((text, i) => {
        expect({
          page: i + 1,
          footer: text.includes(pageOf(i + 1, pages.length)),
          id: text.includes(id),
          digest: text.includes(status.manifest?.data_sha256 as string),
        }).toEqual({ page: i + 1, footer: true, id: true, digest: true });
      });
      pages.slice(3).forEach((text, i) => {
        expect({ page: i + 4, ids: text.match(/alr_[0-9A-Z]{26}/g) ?? [] }).toEqual({
          page: i + 4,
          ids: expectedIds.slice(i * ROWS_PER_PAGE, (i + 1) * ROWS_PER_PAGE),
        });
      });
      return pages;
    }

    it("should print on every page its number of the total, the export id and the data digest, and each page's records in order", async () => {
      const id = await start({ resource: 'alerts', format: 'pdf', scope: 'all', timezone: 'UTC', title: 'Q2 evidence for the auditors' });
      const status = await finished(id);
      const expected = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: { id: true },
      });
      const pages = await checkPages(
        id,
        status,
        (page, total) => `Page ${page} of ${total}`,
        expected.map((a) => a.id),
      );
      const cover = pages[0];
      for (const field of [
        'Q2 evidence for the auditors',
        `${tenant.name} (${tenant.id})`,
        'Records in this report',
        'Complete: every selected record is included.',
        'All records of the tenant',
        'auditor-1',
        'UTC',
      ]) {
        expect({ field, onCover: cover.includes(field) }).toEqual({ field, onCover: true });
      }
      expect(cover).toMatch(new RegExp(`SHA-256 of the data\\s+${status.manifest?.data_sha256}`));
      expect(cover).toMatch(new RegExp(`Export id\\s+${id}`));
      expect(pages[1]).toContain('Alerts by severity');
      expect(pages[2]).toContain('PCI DSS v4.0 Requirement 10');
    });

    it.each([
      ['id', (page: number, total: number) => `Halaman ${page} dari ${total}`, 'Laporan bukti alert keamanan'],
      ['ko', (page: number, total: number) => `${total}쪽 중 ${page}쪽`, '보안 알림 증적 보고서'],
    ] as const)('should translate the footer on every page of a %s report', async (locale, pageOf, title) => {
      const id = await start({ resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { severity: ['high', 'critical'] }, locale });
      const status = await finished(id);
      const expected = await world.prisma.alert.findMany({
        where: { tenantId: tenant.id, severity: { in: ['high', 'critical'] } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        select: { id: true },
      });
      const pages = await checkPages(
        id,
        status,
        pageOf,
        expected.map((a) => a.id),
      );
      expect(pages[0]).toContain(title);
      expect(pages[0]).toContain(`${tenant.name} (${tenant.id})`);
    });

    it('should translate the report by locale', async () => {
      const id = await start({ resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { severity: ['critical'] }, locale: 'zh' });
      await finished(id);
      const { text } = await pdfText((await downloadExport(api, id, auditor)).bytes);
      expect(text).toContain('安全告警证据报告');
      expect(text).toContain('按严重程度的告警');
      expect(text).toMatch(/第 1 页，共 \d+ 页/);
    });
  });

  describe('threat case exports', () => {
    it('should export the tenant’s cases with their linked alerts, and need cases:read', async () => {
      const writer = world.bearer(tenant, ['alerts:read', 'cases:read', 'cases:write'], 'analyst');
      const alerts = await world.prisma.alert.findMany({ where: { tenantId: tenant.id, severity: 'critical' }, take: 2, orderBy: { id: 'asc' } });
      const created = await http<{ data: { id: string } }>(api, 'POST', '/v1/threat-cases', {
        body: { alert_ids: alerts.map((a) => a.id), title: 'Tailgating at gate 3', device_id: 'cam-7', location_name: 'Gate 3' },
        headers: writer,
      });
      expect(created.status).toBe(201);
      const caseReader = world.bearer(tenant, ['cases:read', 'exports:read', 'exports:write'], 'case-auditor');
      const id = await start({ resource: 'threat_cases', format: 'csv', scope: 'filtered', filters: { device_id: ['cam-7'] } }, caseReader);
      await finished(id, caseReader);
      const [header, ...rows] = parseCsv((await downloadExport(api, id, caseReader)).bytes.toString('utf8').slice(1));
      expect(rows).toHaveLength(1);
      expect(rows[0][header.indexOf('id')]).toBe(created.body.data.id);
      expect(rows[0][header.indexOf('title')]).toBe('Tailgating at gate 3');
      expect(JSON.parse(rows[0][header.indexOf('alert_ids')]).sort()).toEqual(alerts.map((a) => a.id).sort());
      const refused = await http(api, 'POST', '/v1/exports', { body: { resource: 'threat_cases', format: 'csv', scope: 'all' }, headers: auditor });
      expect(refused.status).toBe(403);
    });
  });

  describe('audit trail exports', () => {
    it('should export the tenant’s audit trail in chain order', async () => {
      const id = await start({ resource: 'audit_trail', format: 'ndjson', scope: 'all' });
      await finished(id);
      const lines = (await downloadExport(api, id, auditor)).bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; seq: number; prev_hash: string; hash: string });
      expect(lines.length).toBeGreaterThan(3);
      // seq is a number, as GET /v1/audit-trail answers it
      const listed = await http<{ items: { id: string; seq: number }[] }>(api, 'GET', '/v1/audit-trail?page_size=200', { headers: auditor });
      const listedSeq = new Map(listed.body.items.map((event) => [event.id, event.seq]));
      const both = lines.filter((line) => listedSeq.has(line.id));
      expect(both.length).toBeGreaterThan(3);
      expect(both.every((line) => line.seq === listedSeq.get(line.id))).toBe(true);
      lines.forEach((line, i) => {
        expect(line.seq).toBe(i + 1);
        if (i > 0) expect(line.prev_hash).toBe(lines[i - 1].hash);
      });
    });

    it('should need audit:read to export the audit trail', async () => {
      const noAudit = world.bearer(tenant, ['alerts:read', 'exports:write'], 'exporter');
      const result = await http(api, 'POST', '/v1/exports', { body: { resource: 'audit_trail', format: 'csv', scope: 'all' }, headers: noAudit });
      expect(result.status).toBe(403);
      expect(result.body).toEqual(expect.objectContaining({ type: '/problems/missing-scope', i18n_args: { scope: 'audit:read' } }));
    });
  });

  describe('lifecycle', () => {
    it('should answer 409 for a download before the file is ready', async () => {
      const job = await world.prisma.exportJob.create({
        data: {
          id: `exp_01${Date.now().toString().padStart(24, '0')}`,
          tenantId: tenant.id,
          resource: 'alerts',
          format: 'csv',
          scope: 'all',
          timezone: 'UTC',
          locale: 'en',
          totalRecords: 1,
          requestedBy: 'auditor-1',
          requestedByType: 'jwt',
          asOf: new Date(),
        },
      });
      const result = await http(api, 'GET', `/v1/exports/${job.id}/download`, { headers: auditor });
      expect(result.status).toBe(409);
      expect(result.body).toEqual(expect.objectContaining({ type: '/problems/export-not-ready', current_status: 'pending' }));
    });

    it('should cancel a running export within seconds, leave no partial file, and record the cancel', async () => {
      await world.prisma.alert.createMany({
        data: Array.from({ length: 3_000 }, (_, i) => alertRow(tenant.id, { type: 'bulk', createdAt: new Date(base + 2 * DAY + i * 1000) })),
      });
      const id = await start({ resource: 'alerts', format: 'pdf', scope: 'filtered', filters: { type: ['bulk'] } });
      await waitForExport(api, id, auditor, (s) => s.status === 'processing' && s.progress.processed > 0);
      await cancelRunningExport(api, id, auditor, exportDir);
      const after = await waitForExport(api, id, auditor);
      expect(after.status).toBe('cancelled');
      expect(after.file_ready).toBe(false);
      expect(await readdir(join(exportDir, tenant.id)).catch(() => [])).not.toContain(`${id}.pdf`);
      const download = await http(api, 'GET', `/v1/exports/${id}/download`, { headers: auditor });
      expect(download.status).toBe(409);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: id, action: 'export.cancel' } })).toBe(1);
    });

    it('should delete a finished export with its file', async () => {
      const id = await start({ resource: 'alerts', format: 'csv', scope: 'all' });
      await finished(id);
      expect(existsSync(join(exportDir, tenant.id, `${id}.csv`))).toBe(true);
      const deleted = await http(api, 'DELETE', `/v1/exports/${id}`, { headers: auditor });
      expect(deleted.status).toBe(204);
      expect(existsSync(join(exportDir, tenant.id, `${id}.csv`))).toBe(false);
      expect((await http(api, 'GET', `/v1/exports/${id}`, { headers: auditor })).status).toBe(404);
      expect(await world.prisma.auditEvent.count({ where: { resourceId: id, action: 'export.delete' } })).toBe(1);
    });

    it('should expire a file after its time: 410 on download, then the sweep removes it and says expired', async () => {
      const id = await start({ resource: 'alerts', format: 'ndjson', scope: 'all' });
      await finished(id);
      await world.prisma.exportJob.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      const before = await waitForExport(api, id, auditor);
      expect(before.status).toBe('expired');
      const gone = await http(api, 'GET', `/v1/exports/${id}/download`, { headers: auditor });
      expect(gone.status).toBe(410);
      expect(gone.body).toEqual(expect.objectContaining({ type: '/problems/export-expired', code: 10040002 }));
      await api.app.get(ExportSweeper).sweep();
      expect(existsSync(join(exportDir, tenant.id, `${id}.ndjson`))).toBe(false);
      expect((await world.prisma.exportJob.findUniqueOrThrow({ where: { id } })).status).toBe('expired');
      expect(await world.prisma.auditEvent.count({ where: { resourceId: id, action: 'export.expire' } })).toBe(1);
    });

    it('should list the caller’s jobs newest first', async () => {
      const list = await http<{ items: ExportStatus[]; total: number }>(api, 'GET', '/v1/exports?page_size=3', { headers: auditor });
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(3);
      const all = await world.prisma.exportJob.findMany({
        where: { tenantId: tenant.id, requestedBy: 'auditor-1' },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
      expect(list.body.total).toBe(all.length);
      expect(list.body.items.map((j) => j.job_id)).toEqual(all.slice(0, 3).map((j) => j.id));
    });
  });

  describe('tenancy', () => {
    it('should answer 404 for another tenant’s job, on status, download and cancel', async () => {
      const id = await start({ resource: 'alerts', format: 'csv', scope: 'all' });
      await finished(id);
      for (const [method, path] of [
        ['GET', `/v1/exports/${id}`],
        ['GET', `/v1/exports/${id}/download`],
        ['DELETE', `/v1/exports/${id}`],
      ]) {
        const result = await http(api, method, path, { headers: otherAuditor });
        expect({ method, path, status: result.status }).toEqual({ method, path, status: 404 });
      }
      expect((await http(api, 'GET', `/v1/exports/${id}`, { headers: auditor })).status).toBe(200);
    });

    it('should refuse to export another tenant’s alerts by id (422 naming them) and never include them in a tenant-wide export', async () => {
      const foreign = await world.prisma.alert.findMany({ where: { tenantId: other.id }, select: { id: true } });
      const own = await world.prisma.alert.findFirstOrThrow({ where: { tenantId: tenant.id } });
      const refused = await http<{ unknown_ids: string[] }>(api, 'POST', '/v1/exports', {
        body: { resource: 'alerts', format: 'csv', scope: 'selected', ids: [own.id, ...foreign.map((a) => a.id)] },
        headers: auditor,
      });
      expect(refused.status).toBe(422);
      expect(refused.body).toEqual(expect.objectContaining({ type: '/problems/export-unknown-ids', unknown_ids: foreign.map((a) => a.id) }));
      const id = await start({ resource: 'alerts', format: 'ndjson', scope: 'all' }, otherAuditor);
      await finished(id, otherAuditor);
      const lines = (await downloadExport(api, id, otherAuditor)).bytes
        .toString('utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string });
      expect(lines.map((l) => l.id).sort()).toEqual(foreign.map((a) => a.id).sort());
    });
  });

  describe('bad input', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['an unknown format', { resource: 'alerts', format: 'docx', scope: 'all' }, 'format', 'enum'],
      ['an unknown resource', { resource: 'invoices', format: 'csv', scope: 'all' }, 'resource', 'enum'],
      ['selected without ids', { resource: 'alerts', format: 'csv', scope: 'selected' }, 'ids', 'required'],
      ['ids with scope all', { resource: 'alerts', format: 'csv', scope: 'all', ids: ['alr_x'] }, 'ids', 'invalid'],
      ['filters with scope all', { resource: 'alerts', format: 'csv', scope: 'all', filters: { severity: ['high'] } }, 'filters', 'invalid'],
      ['a bad filter value', { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { severity: ['urgent'] } }, 'filters.severity', 'enum'],
      ['an unknown filter', { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { colour: 'red' } }, 'filters.colour', 'unknown'],
      [
        'a filter of another tenant',
        { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { tenant_id: 'tnt_01JSZ0Q3M8X4N2B7C5D6E7F8G9' } },
        'filters.tenant_id',
        'unknown',
      ],
      [
        'an inverted date range',
        { resource: 'alerts', format: 'csv', scope: 'filtered', filters: { created_from: '2025-05-01', created_to: '2025-04-01' } },
        'filters.created_to',
        'range',
      ],
      ['an unknown time zone', { resource: 'alerts', format: 'csv', scope: 'all', timezone: 'Mars/Olympus' }, 'timezone', 'format'],
      ['an unknown locale', { resource: 'alerts', format: 'pdf', scope: 'all', locale: 'fr' }, 'locale', 'enum'],
    ];
    it.each(cases)('should answer 400 for %s and queue nothing', async (_name, body, field, code) => {
      const before = await world.prisma.exportJob.count();
      const result = await http<{ errors: { field: string; code: string; pointer: string }[] }>(api, 'POST', '/v1/exports', { body, headers: auditor });
      expect(result.status).toBe(400);
      expect(result.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, code, pointer: `/body/${field.replace('.', '/')}` })]));
      expect(await world.prisma.exportJob.count()).toBe(before);
    });

    it('should need exports:write to start and exports:read to look', async () => {
      const reader = world.bearer(tenant, ['alerts:read', 'exports:read'], 'reader');
      expect((await http(api, 'POST', '/v1/exports', { body: { resource: 'alerts', format: 'csv', scope: 'all' }, headers: reader })).status).toBe(403);
      expect((await http(api, 'GET', '/v1/exports', { headers: world.bearer(tenant, ['alerts:read'], 'x') })).status).toBe(403);
    });
  });
});
