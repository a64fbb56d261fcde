import { mkdir, mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Workbook } from 'exceljs';

import { ZonedFormatter } from '@app/common';

import { describeFailure } from '../runner/export-failures';
import { WriterContext } from './format-writer';
import { MAX_CELL_TEXT, XlsxWriter } from './xlsx-writer';

type Row = { id: string; text: string };

/** Real files in a temporary directory: /dev/full stands for a full disk (every write fails with ENOSPC). */
describe('XlsxWriter', () => {
  let workDir: string;

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'alert-ledger-xlsx-'));
  });

  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  function context(exportId = 'exp_01TEST'): WriterContext {
    return {
      exportId,
      workDir,
      columns: [
        { key: 'id', kind: 'id', width: 30, value: (row: { id: string }) => row.id },
        { key: 'text', kind: 'text', width: 40, value: (row: { id: string }) => (row as Row).text },
      ],
      pdfColumns: [],
      zone: new ZonedFormatter('UTC'),
      t: (key: string) => key,
      title: 'Report',
      tenantName: 'Tenant',
      rowCount: 0,
      manifest: { export_id: exportId, complete: true, incomplete_reason: null, row_count: 0 } as WriterContext['manifest'],
      summary: [],
      signal: new AbortController().signal,
    };
  }

  /** Rows of random-looking text, so that the zip cannot squeeze them below the stream's buffer. */
  function batch(count: number): { rows: Row[]; lines: string[] } {
    const rows = Array.from({ length: count }, (_, i) => ({ id: `alr_${i}`, text: `${i}:${Math.random().toString(36).repeat(8)}` }));
    return { rows, lines: [] };
  }

  /** The paths this process holds open (Linux). */
  async function openFiles(): Promise<string[]> {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
    return targets.filter((target) => target.startsWith(workDir));
  }

  it('should reject, not hang, when the disk is full, with the storage failure that is not retried', async () => {
    await symlink('/dev/full', join(workDir, 'exp_01TEST.xlsx'));
    const writer = new XlsxWriter();
    await writer.open(context());
    // Enough rows that the zip writes while they come (exceljs's own stream then lost the error and its
    // commit never settled); the writer's next write or its finish must reject instead.
    const failure = await (async () => {
      for (let i = 0; i < 50; i++) {
        await writer.write(batch(1_000));
        await new Promise((resolve) => setImmediate(resolve));
      }
      return writer.finish();
    })().catch((error: unknown) => error);
    expect(failure).toEqual(expect.objectContaining({ code: 'ENOSPC' }));
    expect(describeFailure(failure)).toEqual({
      message: `Could not write the export file: the disk is full (ENOSPC at ${join(workDir, 'exp_01TEST.xlsx')}).`,
      retryable: false,
    });
    await writer.abort();
    expect(await openFiles()).toEqual([]);
  }, 20_000);

  it('should reject when the file cannot be opened (a directory stands in its place)', async () => {
    await mkdir(join(workDir, 'exp_01TEST.xlsx'));
    const writer = new XlsxWriter();
    await writer.open(context());
    await expect(
      (async () => {
        await writer.write(batch(10));
        await new Promise((resolve) => setImmediate(resolve));
        await writer.write(batch(10));
        return writer.finish();
      })(),
    ).rejects.toEqual(expect.objectContaining({ code: 'EISDIR' }));
    await writer.abort();
  });

  it('should close its file on abort', async () => {
    const writer = new XlsxWriter();
    await writer.open(context());
    await writer.write(batch(2_000));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openFiles()).toEqual([join(workDir, 'exp_01TEST.xlsx')]);
    await writer.abort();
    expect(await openFiles()).toEqual([]);
  });

  it('should write a whole workbook when nothing fails', async () => {
    const writer = new XlsxWriter();
    await writer.open(context());
    const rows = batch(3);
    await writer.write(rows);
    expect(await writer.finish()).toBe(join(workDir, 'exp_01TEST.xlsx'));
    expect(await openFiles()).toEqual([]);
    const book = await new Workbook().xlsx.readFile(join(workDir, 'exp_01TEST.xlsx'));
    expect(
      book
        .getWorksheet('Records')
        ?.getSheetValues()
        .slice(1)
        .map((row) => (row as unknown[]).slice(1)),
    ).toEqual([['id', 'text'], ...rows.rows.map((row) => [row.id, row.text])]);
  });

  it("should cut cells over Excel's limit visibly and say so in the manifest: truncated_cells, complete false and why", async () => {
    const writer = new XlsxWriter();
    const ctx = context();
    await writer.open(ctx);
    const long = `${'界'.repeat(MAX_CELL_TEXT - 40)}${'😀'.repeat(100)}`;
    await writer.write({
      rows: [
        { id: 'alr_1', text: long },
        { id: 'alr_2', text: 'x'.repeat(MAX_CELL_TEXT) },
        { id: 'alr_3', text: long },
      ] as Row[],
      lines: [],
    });
    await writer.finish();
    expect(ctx.manifest).toEqual(
      expect.objectContaining({
        truncated_cells: 2,
        complete: false,
        incomplete_reason: `XLSX cells cut to Excel's limit of ${MAX_CELL_TEXT} characters: 2 (each marked "[…cut"); the CSV and NDJSON exports hold them in full`,
      }),
    );
    const book = await new Workbook().xlsx.readFile(join(workDir, 'exp_01TEST.xlsx'));
    const records = book.getWorksheet('Records');
    const cut = records?.getRow(2).getCell(2).value as string;
    expect(cut.length).toBeLessThanOrEqual(MAX_CELL_TEXT);
    expect(cut).toMatch(/^界+😀* \[…cut: Excel's cell limit; see CSV\]$/u);
    expect(records?.getRow(3).getCell(2).value).toBe('x'.repeat(MAX_CELL_TEXT));
    const fields = Object.fromEntries(
      (book.getWorksheet('Manifest')?.getSheetValues() ?? []).slice(2).map((row) => [(row as unknown[])[1], (row as unknown[])[2]]),
    );
    expect(fields).toEqual(expect.objectContaining({ truncated_cells: '2', complete: 'false', incomplete_reason: ctx.manifest.incomplete_reason }));
  });

  it('should add the cut cells to a reason the record limit already gave', async () => {
    const writer = new XlsxWriter();
    const ctx = context();
    Object.assign(ctx.manifest, { complete: false, incomplete_reason: 'EXPORT_MAX_RECORDS is 5: 5 of 12 matching records are in the file' });
    await writer.open(ctx);
    await writer.write({ rows: [{ id: 'alr_1', text: 'y'.repeat(MAX_CELL_TEXT + 1) }] as Row[], lines: [] });
    await writer.finish();
    expect(ctx.manifest.incomplete_reason).toBe(
      `EXPORT_MAX_RECORDS is 5: 5 of 12 matching records are in the file; XLSX cells cut to Excel's limit of ${MAX_CELL_TEXT} characters: 1 (each marked "[…cut"); the CSV and NDJSON exports hold them in full`,
    );
    expect(ctx.manifest.truncated_cells).toBe(1);
  });

  it('should record no cut cells and leave a complete export complete', async () => {
    const writer = new XlsxWriter();
    const ctx = context();
    await writer.open(ctx);
    await writer.write(batch(2));
    await writer.finish();
    expect(ctx.manifest).toEqual(expect.objectContaining({ truncated_cells: 0, complete: true, incomplete_reason: null }));
  });
});
