import { ZonedFormatter } from '@app/common';
import type { AppConfig } from '@app/config';
import { ChromiumService, reportDocument, tablePages } from '@app/exports';

import { reportTranslator } from '../libs/exports/src/report/report-texts';
import { AlertSource } from '../libs/exports/src/sources/alert-source';
import type { WriterContext } from '../libs/exports/src/writers/format-writer';

/** The report's table in the real browser: what the fitting script leaves of each cell, measured by Chromium itself. */
describe('evidence report layout', () => {
  const chromium = new ChromiumService({ chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } as AppConfig);
  const columns = new AlertSource().pdfColumns;
  const id = 'alr_01KH1AZ3CHJX2WM32RJP52VF2K';
  const longTitle = `Multiple failed logins for ${'very-long-user-name.'.repeat(8)}example`;
  const rows = [
    ['2026-10-01 12:00:00', 'Critical', 'Acknowledged', 'brute_force', longTitle, 'auth-gateway.internal.example.com', 'analyst-with-a-long-name', '2026-10-02 13:59:59', id],
    ['2026-10-01 12:00:00', '심각', '확인됨', '무차별 대입 공격', `서버 과부하 告警 ${'過負荷'.repeat(30)}`, '인증 게이트웨이', '김민준', '2026-10-02 13:59:59', id],
    ['2026-10-01 12:00:00', 'Info', 'Open', 'x', 'Short title', 'casb', '', '', id],
  ];

  afterAll(() => chromium.onModuleDestroy());

  async function layout(locale: 'en' | 'ko'): Promise<{ text: string; overflows: boolean }[][]> {
    const context = {
      title: 'Report', tenantName: 'Tenant', zone: new ZonedFormatter('UTC'), t: reportTranslator(locale),
      manifest: { locale, export_id: 'exp_01TEST', generated_at: '2026-10-03T00:00:00.000Z', data_sha256: 'a'.repeat(64) },
    } as unknown as WriterContext;
    const html = reportDocument(context, tablePages(context, columns, rows, 4, 4));
    return chromium.withPage(async (page) => {
      await page.setContent(html, { waitUntil: 'load' });
      // A string, because the tests compile without the DOM's types.
      return page.evaluate(`Array.from(document.querySelectorAll('table.records tr:not(:first-child)'), (tr) =>
        Array.from(tr.cells, (td) => ({ text: td.textContent, overflows: td.scrollWidth > td.clientWidth })))`) as Promise<{ text: string; overflows: boolean }[][]>;
    });
  }

  it.each(['en', 'ko'] as const)('should fit every cell in its column, shortening only long text, never ids or timestamps (%s)', async (locale) => {
    const cells = await layout(locale);
    expect(cells.flat().filter((cell) => cell.overflows)).toEqual([]);
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
});
