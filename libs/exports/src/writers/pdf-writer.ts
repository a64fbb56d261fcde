import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Logger } from '@nestjs/common';
import type { Page } from 'puppeteer-core';

import { ExportColumn, PdfColumn } from '../sources/record-source';
import { asStorageFailure } from '../storage/storage-failures';
import { FormatWriter, RecordBatch, WriterContext } from './format-writer';
import { ChromiumService } from '../pdf/chromium.service';
import { FRONT_PAGES, frontPages, reportDocument, ROWS_PER_PAGE, tablePages, totalPages } from '../pdf/report-html';

const run = promisify(execFile);
/** The most pages one chunk prints: enough to amortise a page's setup, few enough that one print stays well inside its timeout. */
const MAX_PAGES_PER_CHUNK = 100;
const MIN_PAGES_PER_CHUNK = 10;
/** Chunks per Chromium page at least, so a small report still keeps every page busy and shows progress. */
const CHUNKS_PER_PAGE = 4;
const ATTEMPTS = 3;

/** Table pages per chunk for a report of `tablePageCount` pages printed by `concurrency` Chromium pages. */
export function pagesPerChunk(tablePageCount: number, concurrency: number): number {
  return Math.min(MAX_PAGES_PER_CHUNK, Math.max(MIN_PAGES_PER_CHUNK, Math.ceil(tablePageCount / (concurrency * CHUNKS_PER_PAGE))));
}

/** Merges PDFs in order into `output` with qpdf; a full disk is the storage failure, as when we write it ourselves. */
export async function mergePdfs(files: string[], output: string): Promise<void> {
  try {
    await run('qpdf', ['--empty', '--pages', ...files, '--', output], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw asStorageFailure(error, output);
  }
}

/**
 * The evidence report: HTML pages of fixed size rendered by Chromium in chunks (several pages of the
 * one browser at once, as configured), then merged in order with qpdf. Page numbers are known up front
 * because rows never wrap, so every chunk prints "page X of Y" of the whole report. A chunk whose
 * rendering fails (Chromium crashed) is retried on a fresh browser; only that chunk's attempt is lost.
 */
export class PdfWriter implements FormatWriter {
  readonly extension = 'pdf';
  readonly contentType = 'application/pdf';
  readonly needsDigestFirst = true;
  private readonly logger = new Logger(PdfWriter.name);
  private context!: WriterContext;
  private table!: PdfColumn[];
  private columns!: ExportColumn<{ id: string }>[];
  private total = 0;
  private pending: string[][] = [];
  private chunkFiles: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;
  private pagesRendered = FRONT_PAGES;
  private rowsPerChunk = 0;
  /** Rows of the chunks printed so far (the job's progress). */
  private rowsPrinted = 0;
  /** Pages printing right now: an abort closes them, which ends their print at once. */
  private readonly openPages = new Set<Page>();

  constructor(
    private readonly chromium: ChromiumService,
    private readonly concurrency: number,
  ) {}

  async open(context: WriterContext): Promise<void> {
    this.context = context;
    context.signal.addEventListener('abort', () => void this.closePages(), { once: true });
    const byKey = new Map(context.columns.map((c) => [c.key, c]));
    this.table = context.pdfColumns.filter((c) => byKey.has(c.key));
    this.columns = this.table.map((c) => byKey.get(c.key) as ExportColumn<{ id: string }>);
    this.total = totalPages(context.rowCount);
    this.rowsPerChunk = pagesPerChunk(this.total - FRONT_PAGES, this.concurrency) * ROWS_PER_PAGE;
    await this.dispatch(frontPages(context, this.total), 0);
  }

  async write(batch: RecordBatch): Promise<void> {
    for (const row of batch.rows) this.pending.push(this.columns.map((c) => this.cellText(c, row)));
    while (this.pending.length >= this.rowsPerChunk) await this.flushChunk(this.rowsPerChunk);
  }

  rowsDone(): number {
    return this.rowsPrinted;
  }

  async finish(): Promise<string> {
    if (this.pending.length > 0 || this.context.rowCount === 0) await this.flushChunk(this.pending.length);
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    const output = join(this.context.workDir, `${this.context.exportId}.pdf`);
    const started = Date.now();
    await mergePdfs(this.chunkFiles, output);
    this.logger.log(`${this.context.exportId}: merged ${this.chunkFiles.length} chunks (${this.total} pages) in ${Date.now() - started} ms`);
    return output;
  }

  async abort(): Promise<void> {
    await this.closePages();
    await Promise.allSettled(this.inFlight);
  }

  private async closePages(): Promise<void> {
    await Promise.allSettled([...this.openPages].map((page) => page.close()));
  }

  private async flushChunk(size: number): Promise<void> {
    const rows = this.pending.splice(0, size);
    const pages = tablePages(this.context, this.table, rows, this.pagesRendered + 1, this.total);
    this.pagesRendered += pages.length;
    await this.dispatch(pages, rows.length);
  }

  /** Starts rendering a chunk once a page slot is free; the chunk's place in the merge is fixed now. */
  private async dispatch(pages: string[], rows: number): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.context.signal.aborted) throw this.context.signal.reason;
    if (this.failure) throw this.failure;
    const file = join(this.context.workDir, `chunk-${String(this.chunkFiles.length).padStart(5, '0')}.pdf`);
    this.chunkFiles.push(file);
    const html = reportDocument(this.context, pages);
    const task = this.render(html, file).then(
      () => {
        this.rowsPrinted += rows;
      },
      (error: unknown) => {
        this.failure ??= error;
      },
    );
    const tracked = task.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async render(html: string, file: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (this.context.signal.aborted) throw new Error('export cancelled');
      const started = Date.now();
      try {
        await this.chromium.withPage(async (page) => {
          this.openPages.add(page);
          try {
            await page.setContent(html, { waitUntil: 'load', timeout: 120_000 });
            // Untagged: the structure tree doubled the print time and made chunks ten times larger, and
            // qpdf's page merge drops every chunk's StructTreeRoot anyway (docs/ARCHITECTURE.md, Exports).
            await page.pdf({ path: file, width: '297mm', height: '210mm', printBackground: true, tagged: false, timeout: 240_000 });
          } finally {
            this.openPages.delete(page);
          }
        });
        this.logger.debug?.(`${file}: rendered in ${Date.now() - started} ms`);
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS || this.context.signal.aborted) throw error;
        const delay = 250 * attempt + Math.floor(Math.random() * 250);
        this.logger.warn(`${this.context.exportId}: chunk ${file} failed (attempt ${attempt}: ${(error as Error).message}); retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private cellText(column: ExportColumn<{ id: string }>, row: { id: string }): string {
    const value = column.value(row);
    if (value === null || value === undefined) return '';
    if (value instanceof Date) return this.context.zone.dateTime(value);
    if (typeof value === 'object') return JSON.stringify(value);
    if (column.key === 'severity' || column.key === 'status') return this.context.t(`values.${String(value)}`);
    return String(value);
  }
}
