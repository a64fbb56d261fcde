import { Injectable } from '@nestjs/common';

import { AppConfig } from '@app/config';

import { ExportFormatName } from '../dto/export-enums';
import { ChromiumService } from '../pdf/chromium.service';
import { PdfWriter } from '../pdf/pdf-writer';
import { CsvWriter, NdjsonWriter } from './delimited-writers';
import { FormatWriter } from './format-writer';
import { XlsxWriter } from './xlsx-writer';

/** A fresh writer per job attempt, by format. */
@Injectable()
export class ExportWriters {
  constructor(private readonly chromium: ChromiumService, private readonly config: AppConfig) {}

  create(format: ExportFormatName): FormatWriter {
    switch (format) {
      case 'csv': return new CsvWriter();
      case 'ndjson': return new NdjsonWriter();
      case 'xlsx': return new XlsxWriter();
      case 'pdf': return new PdfWriter(this.chromium, this.config.exportPdfPages);
    }
  }
}
