import { createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';

import { stream, Worksheet } from 'exceljs';

import { CellValue } from '../sources/record-source';
import { FormatWriter, RecordBatch, WriterContext } from './format-writer';

/** Excel's limit for one cell. */
export const MAX_CELL_TEXT = 32_767;
const CUT_MARK = " […cut: Excel's cell limit; see CSV]";
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * XLSX through exceljs's streaming WorkbookWriter: each row is committed as it is written, so memory
 * stays flat. Typed cells (dates as dates in the export's time zone, numbers as numbers, ids and text as
 * strings, which Excel never evaluates), a frozen header of field names with filters, and a Manifest sheet.
 *
 * The workbook writes into a file stream of ours, never one exceljs opens itself: that one has no
 * 'error' listener until the final commit, so a full disk or a denied write (ENOSPC, EACCES) mid-export
 * was lost in the zip's pipe (the commit then never settled and the job hung) or, unhandled, ended the
 * process. Ours records the error, the next `write` or `finish` rejects with it (describeFailure makes
 * it the storage failure, not retried), and `abort` closes the file.
 */
export class XlsxWriter implements FormatWriter {
  readonly extension = 'xlsx';
  readonly contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  readonly needsDigestFirst = false;
  private workbook!: stream.xlsx.WorkbookWriter;
  private sheet!: Worksheet;
  private context!: WriterContext;
  private path!: string;
  private file: WriteStream | null = null;
  private failure: NodeJS.ErrnoException | null = null;
  /** Rejects with the file's first error; raced against the commit, which would otherwise wait forever. */
  private failed!: Promise<never>;
  /** Cells longer than Excel's limit, cut with a mark (counted in the manifest). */
  private truncatedCells = 0;

  async open(context: WriterContext): Promise<void> {
    this.context = context;
    this.path = join(context.workDir, `${context.exportId}.xlsx`);
    const file = createWriteStream(this.path);
    this.file = file;
    this.failed = new Promise<never>((_, reject) => {
      file.on('error', (error: NodeJS.ErrnoException) => {
        error.path ??= this.path;
        this.failure ??= error;
        reject(this.failure);
      });
    });
    this.failed.catch(() => undefined);
    this.workbook = new stream.xlsx.WorkbookWriter({ stream: file, useStyles: true, useSharedStrings: false });
    this.workbook.creator = 'Alert Ledger';
    this.workbook.title = context.title;
    this.sheet = this.workbook.addWorksheet('Records', { views: [{ state: 'frozen', ySplit: 1 }] });
    this.sheet.columns = context.columns.map((column) => ({
      header: column.key,
      key: column.key,
      width: Math.min(60, Math.max(column.width, column.key.length + 2)),
      style: column.kind === 'date' ? { numFmt: DATE_FORMAT } : {},
    }));
    this.sheet.getRow(1).font = { bold: true };
    this.sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: context.columns.length } };
  }

  async write(batch: RecordBatch): Promise<void> {
    if (this.failure) throw this.failure;
    const { columns } = this.context;
    for (const row of batch.rows) {
      this.sheet.addRow(columns.map((column) => this.cell(column.value(row)))).commit();
    }
  }

  async finish(): Promise<string> {
    if (this.failure) throw this.failure;
    this.sheet.commit();
    this.recordTruncation();
    const manifest = this.workbook.addWorksheet('Manifest');
    manifest.columns = [
      { header: 'field', key: 'field', width: 24 },
      { header: 'value', key: 'value', width: 100 },
    ];
    for (const [field, value] of Object.entries(this.context.manifest)) {
      manifest.addRow([field, typeof value === 'string' ? value : JSON.stringify(value)]).commit();
    }
    manifest.commit();
    await Promise.race([this.workbook.commit(), this.failed]);
    this.file = null;
    return this.path;
  }

  async abort(): Promise<void> {
    // The streaming writer has no cancel: closing the file ends it (the pipe from its zip is cut); the
    // caller removes the work directory with the partial file.
    const file = this.file;
    this.file = null;
    if (!file || file.closed) return;
    await new Promise<void>((resolve) => file.destroy().once('close', () => resolve()));
  }

  /** The manifest says how many cells were cut, and the file is then not complete (docs/API-DECISIONS.md). */
  private recordTruncation(): void {
    const manifest = this.context.manifest;
    manifest.truncated_cells = this.truncatedCells;
    if (this.truncatedCells === 0) return;
    const reason = `XLSX cells cut to Excel's limit of ${MAX_CELL_TEXT} characters: ${this.truncatedCells} (each marked "[…cut"); the CSV and NDJSON exports hold them in full`;
    manifest.incomplete_reason = manifest.complete ? reason : `${manifest.incomplete_reason}; ${reason}`;
    manifest.complete = false;
  }

  private cell(value: CellValue): string | number | boolean | Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return this.context.zone.wallClock(value);
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    const text = typeof value === 'object' ? JSON.stringify(value) : value;
    if (text.length <= MAX_CELL_TEXT) return text;
    // Never silently: the cell says so, the manifest counts it, and the CSV/NDJSON hold the whole text.
    this.truncatedCells++;
    let end = MAX_CELL_TEXT - CUT_MARK.length;
    if (/[\uD800-\uDBFF]/.test(text[end - 1])) end--; // never half a surrogate pair
    return `${text.slice(0, end)}${CUT_MARK}`;
  }
}
