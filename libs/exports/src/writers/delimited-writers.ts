import { join } from 'node:path';

import type { ZonedFormatter } from '@app/common';

import type { ExportColumn } from '../sources/record-source';
import { csvField } from './csv-cell';
import { FileSink } from './file-sink';
import type { FormatWriter, RecordBatch, WriterContext } from './format-writer';

/** The CSV lines of records (CRLF after each), without the header. */
export function csvRows<R>(rows: R[], columns: ExportColumn<R>[], zone: ZonedFormatter): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) out += ',';
      out += csvField(columns[i].value(row), columns[i].kind, zone);
    }
    out += '\r\n';
  }
  return out;
}

/** A text format written straight to one file: parts written by threads arrive formatted and are appended as they are. */
abstract class FileSinkWriter implements FormatWriter {
  abstract readonly extension: string;
  abstract readonly contentType: string;
  readonly needsDigestFirst = false;
  protected sink!: FileSink;

  abstract open(context: WriterContext): Promise<void>;
  abstract write(batch: RecordBatch): Promise<void>;

  async writeFormatted(data: Buffer): Promise<void> {
    await this.sink.write(data);
  }

  async finish(): Promise<string> {
    await this.sink.close();
    return this.sink.path;
  }

  async abort(): Promise<void> {
    this.sink?.destroy();
  }
}

/** CSV for spreadsheets: UTF-8 with BOM (Excel then reads non-Latin text right), CRLF, a header row of field names. */
export class CsvWriter extends FileSinkWriter {
  readonly extension = 'csv';
  readonly contentType = 'text/csv; charset=utf-8';
  private context!: WriterContext;

  async open(context: WriterContext): Promise<void> {
    this.context = context;
    this.sink = new FileSink(join(context.workDir, `${context.exportId}.csv`));
    await this.sink.write(`\uFEFF${context.columns.map((c) => c.key).join(',')}\r\n`);
  }

  async write(batch: RecordBatch): Promise<void> {
    await this.sink.write(csvRows(batch.rows, this.context.columns, this.context.zone));
  }
}

/** NDJSON: exactly the lines the data digest is computed over, so the file's SHA-256 is the data's. */
export class NdjsonWriter extends FileSinkWriter {
  readonly extension = 'ndjson';
  readonly contentType = 'application/x-ndjson';

  async open(context: WriterContext): Promise<void> {
    this.sink = new FileSink(join(context.workDir, `${context.exportId}.ndjson`));
  }

  async write(batch: RecordBatch): Promise<void> {
    await this.sink.write(batch.lines.join(''));
  }
}
