import { join } from 'node:path';

import { stream, Worksheet } from 'exceljs';

import { CellValue } from '../sources/record-source';
import { FormatWriter, RecordBatch, WriterContext } from './format-writer';

/** Excel's limit for one cell. */
const MAX_CELL_TEXT = 32_767;
const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';

/**
 * XLSX through exceljs's streaming WorkbookWriter: each row is committed as it is written, so memory
 * stays flat. Typed cells (dates as dates in the export's time zone, numbers as numbers, ids and text as
 * strings, which Excel never evaluates), a frozen header with filters, and a Manifest sheet.
 */
export class XlsxWriter implements FormatWriter {
  readonly extension = 'xlsx';
  readonly contentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  readonly needsDigestFirst = false;
  private workbook!: stream.xlsx.WorkbookWriter;
  private sheet!: Worksheet;
  private context!: WriterContext;
  private path!: string;

  async open(context: WriterContext): Promise<void> {
    this.context = context;
    this.path = join(context.workDir, `${context.exportId}.xlsx`);
    this.workbook = new stream.xlsx.WorkbookWriter({ filename: this.path, useStyles: true, useSharedStrings: false });
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
    const { columns } = this.context;
    for (const row of batch.rows) {
      this.sheet.addRow(columns.map((column) => this.cell(column.value(row)))).commit();
    }
  }

  async finish(): Promise<string> {
    this.sheet.commit();
    const manifest = this.workbook.addWorksheet('Manifest');
    manifest.columns = [{ header: 'field', key: 'field', width: 24 }, { header: 'value', key: 'value', width: 100 }];
    for (const [field, value] of Object.entries(this.context.manifest)) {
      manifest.addRow([field, typeof value === 'string' ? value : JSON.stringify(value)]).commit();
    }
    manifest.commit();
    await this.workbook.commit();
    return this.path;
  }

  async abort(): Promise<void> {
    // The streaming writer has no cancel; the caller removes the work directory with the partial file.
  }

  private cell(value: CellValue): string | number | Date | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Date) return this.context.zone.wallClock(value);
    if (typeof value === 'number') return value;
    const text = typeof value === 'object' ? JSON.stringify(value) : value;
    // Never silently: a cell Excel cannot hold says so, and the CSV/NDJSON hold the whole text.
    return text.length > MAX_CELL_TEXT ? `${text.slice(0, MAX_CELL_TEXT - 40)} […cut: Excel's cell limit; see CSV]` : text;
  }
}
