import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { Logger } from '@nestjs/common';
import type { Page } from 'puppeteer-core';

import { ExportColumn, PdfColumn, ReportImage } from '../sources/record-source';
import { asStorageFailure } from '../storage/storage-failures';
import { FormatWriter, RecordBatch, WriterContext } from './format-writer';
import { ChromiumService } from '../pdf/chromium.service';
import {
  FRONT_PAGES,
  frontPages,
  ImageCell,
  IMAGES_PER_PAGE,
  imagePages,
  reportDocument,
  ROWS_PER_PAGE,
  tablePageCount,
  tablePages,
  totalPages,
} from '../pdf/report-html';

const run = promisify(execFile);
/** The most pages one chunk prints: enough to amortise a page's setup, few enough that one print stays well inside its timeout. */
const MAX_PAGES_PER_CHUNK = 100;
const MIN_PAGES_PER_CHUNK = 10;
/** Chunks per Chromium page at least, so a small report still keeps every page busy and shows progress. */
const CHUNKS_PER_PAGE = 4;
const ATTEMPTS = 3;
/**
 * include_images: the image bytes one chunk of image pages holds at most (as data: URIs, a third more in
 * the HTML), so Chromium's memory stays bounded; a chunk holds whole pages, at least one (six images of
 * up to ALERT_IMAGE_MAX_BYTES each may pass it), and at most IMAGE_PAGES_PER_CHUNK pages.
 */
export const IMAGE_BYTES_PER_CHUNK = 16 * 1024 * 1024;
const IMAGE_PAGES_PER_CHUNK = 10;

/** How many of the pending images (in order) the next image chunk takes: 0 while they do not fill one yet (unless `final`). */
export function imageChunkSize(sizes: number[], final: boolean): number {
  const most = IMAGE_PAGES_PER_CHUNK * IMAGES_PER_PAGE;
  let bytes = 0;
  let taken = 0;
  while (taken < sizes.length && taken < most) {
    const end = Math.min(taken + IMAGES_PER_PAGE, sizes.length);
    if (end - taken < IMAGES_PER_PAGE && !final) return 0;
    const pageBytes = sizes.slice(taken, end).reduce((sum, size) => sum + size, 0);
    if (taken > 0 && bytes + pageBytes > IMAGE_BYTES_PER_CHUNK) return taken;
    bytes += pageBytes;
    taken = end;
  }
  return final || taken >= most ? taken : 0;
}

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
  /** include_images: the image pages' chunks, merged after the table's. */
  private imageFiles: string[] = [];
  private pendingImages: ReportImage[] = [];
  private imagesQueued = 0;
  private imagePagesRendered = 0;
  private firstImagePage = 0;
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
    this.total = totalPages(context.rowCount, context.images?.count ?? 0);
    this.firstImagePage = FRONT_PAGES + tablePageCount(context.rowCount) + 1;
    this.rowsPerChunk = pagesPerChunk(this.total - FRONT_PAGES, this.concurrency) * ROWS_PER_PAGE;
    await this.dispatch(() => Promise.resolve(frontPages(context, this.total)), 0);
  }

  async write(batch: RecordBatch): Promise<void> {
    const images = this.context.images;
    for (const row of batch.rows) {
      this.pending.push(this.columns.map((c) => this.cellText(c, row)));
      const image = images?.of(row);
      if (image) this.pendingImages.push(image);
    }
    while (this.pending.length >= this.rowsPerChunk) await this.flushChunk(this.rowsPerChunk);
    await this.flushImages(false);
  }

  rowsDone(): number {
    return this.rowsPrinted;
  }

  async finish(): Promise<string> {
    if (this.pending.length > 0 || this.context.rowCount === 0) await this.flushChunk(this.pending.length);
    await this.flushImages(true);
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
    if (this.imagesQueued !== (this.context.images?.count ?? 0)) throw new Error('the images changed between the digest and the rendering pass');
    const output = join(this.context.workDir, `${this.context.exportId}.pdf`);
    const started = Date.now();
    await mergePdfs([...this.chunkFiles, ...this.imageFiles], output);
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
    await this.dispatch(() => Promise.resolve(pages), rows.length);
  }

  /** Dispatches chunks of image pages as the pending images fill them (all that is left when `final`). */
  private async flushImages(final: boolean): Promise<void> {
    const images = this.context.images;
    if (!images) return;
    for (
      let take = imageChunkSize(
        this.pendingImages.map((i) => i.size),
        final,
      );
      take > 0;
      take = imageChunkSize(
        this.pendingImages.map((i) => i.size),
        final,
      )
    ) {
      const chunk = this.pendingImages.splice(0, take);
      const firstPage = this.firstImagePage + this.imagePagesRendered;
      this.imagePagesRendered += Math.ceil(chunk.length / IMAGES_PER_PAGE);
      this.imagesQueued += chunk.length;
      // The bytes are read when the chunk renders, not before: at most `concurrency` chunks of them are in memory.
      const build = async (): Promise<string[]> => {
        const cells: ImageCell[] = [];
        for (const image of chunk) {
          const bytes = await images.read(image.key);
          cells.push({ caption: image.caption, dataUri: bytes ? `data:${image.contentType};base64,${bytes.toString('base64')}` : null });
        }
        return imagePages(this.context, cells, firstPage, this.total);
      };
      await this.dispatch(build, 0, this.imageFiles, 'images');
    }
  }

  /** Starts rendering a chunk once a page slot is free; the chunk's place in the merge is fixed now. */
  private async dispatch(build: () => Promise<string[]>, rows: number, files = this.chunkFiles, name = 'chunk'): Promise<void> {
    while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    if (this.context.signal.aborted) throw this.context.signal.reason;
    if (this.failure) throw this.failure;
    const file = join(this.context.workDir, `${name}-${String(files.length).padStart(5, '0')}.pdf`);
    files.push(file);
    const task = build()
      .then((pages) => this.render(reportDocument(this.context, pages), file))
      .then(
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
