import { ZonedFormatter } from '@app/common';
import type { AppConfig } from '@app/config';
import { ChromiumService, reportDocument, tablePages } from '@app/exports';

import { reportTranslator } from '../libs/exports/src/report/report-texts';
import { AlertSource } from '../libs/exports/src/sources/alert-source';
import { AuditTrailSource } from '../libs/exports/src/sources/audit-trail-source';
import type { PdfColumn } from '../libs/exports/src/sources/record-source';
import { ThreatCaseSource } from '../libs/exports/src/sources/threat-case-source';
import type { WriterContext } from '../libs/exports/src/writers/format-writer';

type Locale = 'en' | 'id' | 'ko' | 'zh';
type Cell = { text: string; overflows: boolean };
const LOCALES: Locale[] = ['en', 'id', 'ko', 'zh'];

/** A header's text is its translation, or the start of it with an ellipsis where the column is narrower. */
function headerOf(full: string): string | RegExp {
  const starts = [...full].slice(0, -1).map((_, i) => escape([...full].slice(0, i + 1).join('')));
  return new RegExp(`^(?:${escape(full)}|(?:${starts.join('|')})…)$`, 'u');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The report's table in the real browser: what the fitting script leaves of each cell, measured by Chromium itself. */
describe('evidence report layout', () => {
  const chromium = new ChromiumService({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } as AppConfig);
  const columns = new AlertSource().pdfColumns;
  const id = 'alr_01KH1AZ3CHJX2WM32RJP52VF2K';
  const longTitle = `Multiple failed logins for ${'very-long-user-name.'.repeat(8)}example`;
  const rows = [
    [
      '2026-10-01 12:00:00',
      'Critical',
      'Acknowledged',
      'brute_force',
      longTitle,
      'auth-gateway.internal.example.com',
      'analyst-with-a-long-name',
      '2026-10-02 13:59:59',
      id,
    ],
    [
      '2026-10-01 12:00:00',
      '심각',
      '확인됨',
      '무차별 대입 공격',
      `서버 과부하 告警 ${'過負荷'.repeat(30)}`,
      '인증 게이트웨이',
      '김민준',
      '2026-10-02 13:59:59',
      id,
    ],
    ['2026-10-01 12:00:00', 'Info', 'Open', 'x', 'Short title', 'casb', '', '', id],
  ];

  afterAll(() => chromium.onModuleDestroy());

  function context(locale: Locale, t = reportTranslator(locale), title = 'Report'): WriterContext {
    return {
      title,
      tenantName: 'Tenant',
      zone: new ZonedFormatter('UTC'),
      t,
      manifest: { locale, export_id: 'exp_01TEST', generated_at: '2026-10-03T00:00:00.000Z', data_sha256: 'a'.repeat(64) },
    } as unknown as WriterContext;
  }

  /** Every row of the records table, the header row first (th cells). */
  async function layout(ctx: WriterContext, table: PdfColumn[], data: string[][]): Promise<Cell[][]> {
    const html = reportDocument(ctx, tablePages(ctx, table, data, 4, 4));
    return chromium.withPage(async (page) => {
      await page.setContent(html, { waitUntil: 'load' });
      // A string, because the tests compile without the DOM's types.
      return page.evaluate(`Array.from(document.querySelectorAll('table.records tr'), (tr) =>
        Array.from(tr.cells, (td) => ({ text: td.textContent, overflows: td.scrollWidth > td.clientWidth })))`) as Promise<Cell[][]>;
    });
  }

  it.each(LOCALES)('should fit every cell and header in its column, shortening only long text, never ids or timestamps (%s)', async (locale) => {
    const [header, ...cells] = await layout(context(locale), columns, rows);
    expect([...header, ...cells.flat()].filter((cell) => cell.overflows)).toEqual([]);
    expect(header.map((cell) => cell.text)).toEqual(columns.map((c) => expect.stringMatching(headerOf(reportTranslator(locale)(`columns.${c.key}`)))));
    const at = (key: string) => columns.findIndex((c) => c.key === key);
    for (const [r, row] of cells.entries()) {
      expect(row[at('id')].text).toBe(id);
      expect(row[at('created_at')].text).toBe(rows[r][at('created_at')]);
      expect(row[at('resolved_at')].text).toBe(rows[r][at('resolved_at')]);
    }
    const title = at('title');
    expect(cells[0][title].text).toMatch(/^Multiple failed logins for very-long-.*…$/);
    expect(longTitle.startsWith(cells[0][title].text.slice(0, -1))).toBe(true);
    expect(cells[1][title].text).toMatch(/^서버 과부하 告警 過負荷.*…$/);
    expect(cells[2][title].text).toBe('Short title');
  });

  it('should shorten a header too long for its column by its bold width, not the width of regular text', async () => {
    // Headers that only just do not fit: measured in regular weight they would seem to, and overflow bold.
    const t = (key: string, args?: Record<string, string | number>) =>
      key.startsWith('columns.') ? `${key.slice(8).toUpperCase()} WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW` : reportTranslator('en')(key, args);
    const [header] = await layout(context('en', t), columns, rows.slice(0, 1));
    expect(header.filter((cell) => cell.overflows)).toEqual([]);
    for (const [i, cell] of header.entries())
      expect({ i, text: cell.text }).toEqual({ i, text: expect.stringMatching(new RegExp(`^${columns[i].key.toUpperCase().slice(0, 1)}.*…$`)) });
  });

  const threatCases = new ThreatCaseSource().pdfColumns;
  const auditTrail = new AuditTrailSource().pdfColumns;
  const caseId = 'thc_01KH1AZ3CHJX2WM32RJP52VF2K';
  /** Long texts in every column, but ids, timestamps and numbers as they are. */
  const sample: Record<string, string> = {
    created_at: '2026-10-01 12:00:00',
    at: '2026-10-01 12:00:00',
    id: caseId,
    seq: '123456',
    alert_count: '999',
    status: 'PSAP_CONTACTED',
    severity: 'critical',
    assignee: 'analyst-with-a-long-name',
    title: `Tailgating at gate 3 ${'과부하 告警 '.repeat(20)}`,
    device_id: 'camera-north-entrance-gate-3-ptz-02',
    location_name: 'Gedung Utama Lantai Dasar Pintu Masuk Utara',
    actor: 'api-key:ak_01KH1AZ3CHJX2WM32RJP52VF2K (integration)',
    action: 'threat_case.approval.granted',
    resource_type: 'compliance_settings',
    resource_id: 'alr_01KH1AZ3CHJX2WM32RJP52VF2K',
    outcome: 'success',
    ip: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
  };

  describe.each([
    ['threat cases', threatCases, ['created_at', 'id', 'alert_count']],
    ['audit trail', auditTrail, ['seq', 'at', 'resource_id']],
  ] as const)('the %s table', (_name, table, whole) => {
    it.each(LOCALES)('should fit its header and every cell, with %s texts', async (locale) => {
      const t = reportTranslator(locale);
      const data = [table.map((c) => (c.key === 'status' || c.key === 'severity' ? t(`values.${sample[c.key]}`) : sample[c.key]))];
      const [header, cells] = await layout(context(locale), [...table], data);
      expect([...header, ...cells].filter((cell) => cell.overflows)).toEqual([]);
      expect(header.map((cell) => cell.text)).toEqual(table.map((c) => expect.stringMatching(headerOf(t(`columns.${c.key}`)))));
      for (const key of whole) expect({ key, text: cells[table.findIndex((c) => c.key === key)].text }).toEqual({ key, text: sample[key] });
      expect(cells.some((cell) => cell.text.endsWith('…'))).toBe(true);
    });
  });

  it.each(LOCALES)('should cut a page header title too long for the line with an ellipsis, keeping tenant and time whole (%s)', async (locale) => {
    const ctx = context(locale, reportTranslator(locale), `Q2 security alerts — ISO 27001 evidence — ${'보고서 報告 laporan '.repeat(12)}`.slice(0, 200));
    const html = reportDocument(ctx, tablePages(ctx, columns, rows.slice(0, 1), 4, 4));
    const header = await chromium.withPage(async (page) => {
      await page.setContent(html, { waitUntil: 'load' });
      return page.evaluate(`(() => {
        const header = document.querySelector('section.page header');
        const [title, info] = header.children;
        const box = (el) => el.getBoundingClientRect();
        return { header: box(header).right, title: box(title).right, info: { left: box(info).left, right: box(info).right }, clipped: title.scrollWidth > title.clientWidth,
          ellipsis: getComputedStyle(title).textOverflow, infoText: info.textContent, infoOverflows: info.scrollWidth > info.clientWidth };
      })()`) as Promise<{
        header: number;
        title: number;
        info: { left: number; right: number };
        clipped: boolean;
        ellipsis: string;
        infoText: string;
        infoOverflows: boolean;
      }>;
    });
    expect(header.clipped).toBe(true);
    expect(header.ellipsis).toBe('ellipsis');
    expect(header.title).toBeLessThanOrEqual(header.info.left);
    expect(header.info.right).toBeLessThanOrEqual(header.header + 0.5);
    expect(header.infoOverflows).toBe(false);
    expect(header.infoText).toBe('Tenant · 2026-10-03 00:00:00 (UTC)');
  });
});
