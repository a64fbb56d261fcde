import type { ExportCheckpoint } from '@app/audit-trail';
import { ZonedFormatter } from '@app/common';

import { ExportManifestDto } from '../dto/export-job.dto';
import { ExportColumn, PdfColumn, ReportImage, SummaryTable } from '../sources/record-source';

/** What every writer knows about the export it writes. */
export interface WriterContext {
  exportId: string;
  /** A private directory for this attempt's partial files. */
  workDir: string;
  columns: ExportColumn<{ id: string }>[];
  /** The PDF table's columns. */
  pdfColumns: PdfColumn[];
  zone: ZonedFormatter;
  t: (key: string, args?: Record<string, string | number>) => string;
  title: string;
  tenantName: string;
  /** Rows the file will hold (known from the snapshot before writing). */
  rowCount: number;
  /**
   * The manifest as it will be, without the file digest (the PDF prints it on the cover). The runner
   * stores this object: a writer records here what only it knows (the XLSX's cut cells) before `finish`.
   */
  manifest: Omit<ExportManifestDto, 'file_sha256'>;
  summary: SummaryTable[];
  /** The checkpoint of the tenant's audit log the report prints and the evidence pack carries; null without a signing key, and for formats without a report. */
  checkpoint?: ExportCheckpoint | null;
  /** Called when Chromium or another step needs to say the attempt cannot go on (cancellation). */
  signal: AbortSignal;
  /** The records' images the PDF report shows (include_images); null: none. */
  images?: ReportImages | null;
}

/** include_images: how many rows have an image (counted in the digest pass), which row's it is, and its bytes. */
export interface ReportImages {
  count: number;
  of(row: { id: string }): ReportImage | null;
  /** The image's bytes from the export storage; null when it is gone. */
  read(key: string): Promise<Buffer | null>;
}

/** A batch of records with their NDJSON lines (the digest's input, and the NDJSON file's content). */
export interface RecordBatch {
  rows: { id: string }[];
  lines: string[];
}

/**
 * Writes one export file incrementally: `write` is called once per keyset batch and must not keep
 * the batch after it resolves (bounded memory); `finish` closes the file and answers its path.
 */
export interface FormatWriter {
  readonly extension: string;
  readonly contentType: string;
  /** Whether the writer needs the data digest before the first row (the PDF prints it on every page). */
  readonly needsDigestFirst: boolean;
  open(context: WriterContext): Promise<void>;
  write(batch: RecordBatch): Promise<void>;
  /**
   * Appends records a part thread has already formatted (CSV lines, NDJSON lines), in order: the
   * writers of formats that part threads write (runner/export-parts.ts) have it.
   */
  writeFormatted?(data: Buffer): Promise<void>;
  /** Rows whose output is done, where that lags the rows handed to `write` (the PDF prints chunks after it is given them). */
  rowsDone?(): number;
  finish(): Promise<string>;
  /** Releases what an interrupted attempt holds (open streams, pages); the work directory is removed by the caller. */
  abort(): Promise<void>;
}
