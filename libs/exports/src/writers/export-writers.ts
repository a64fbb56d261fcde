import { Injectable } from '@nestjs/common';

import { AuditChainMetrics, AuditWindowVerification, PackEvidenceService, verifyAuditWindow } from '@app/audit-trail';
import { AppConfig } from '@app/config';
import { ExportFormat, PrismaService } from '@app/database';

import { ChromiumService } from '../pdf/chromium.service';
import { PdfWriter } from './pdf-writer';
import { CsvWriter, NdjsonWriter } from './delimited-writers';
import { EvidencePackWriter } from './evidence-pack-writer';
import { FormatWriter } from './format-writer';
import { XlsxWriter } from './xlsx-writer';

/** A fresh writer per job attempt, by format. */
@Injectable()
export class ExportWriters {
  constructor(
    private readonly chromium: ChromiumService,
    private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly auditChain: AuditChainMetrics,
    private readonly evidence: PackEvidenceService,
  ) {}

  create(format: ExportFormat): FormatWriter {
    switch (format) {
      case 'csv':
        return new CsvWriter();
      case 'ndjson':
        return new NdjsonWriter();
      case 'xlsx':
        return new XlsxWriter();
      case 'pdf':
        return this.pdf();
      case 'evidence_pack':
        return new EvidencePackWriter(
          this.pdf(),
          new CsvWriter(),
          (tenantId, from, to) => this.verifyWindow(tenantId, from, to),
          (tenantId, checkpoint, firstSeq, lastSeq) => this.evidence.forPeriod(tenantId, checkpoint, firstSeq, lastSeq),
        );
    }
  }

  private async verifyWindow(tenantId: string, from: Date | null, to: Date): Promise<AuditWindowVerification> {
    const verification = await verifyAuditWindow(this.prisma, tenantId, from, to);
    this.auditChain.verified('window', verification.valid);
    return verification;
  }

  private pdf(): PdfWriter {
    return new PdfWriter(this.chromium, this.config.exportPdfPages);
  }
}
