import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { ZipFile } from 'yazl';

import type { AuditWindowVerification, ExportCheckpoint, PackEvidence } from '@app/audit-trail';

import { FormatWriter, RecordBatch, WriterContext } from './format-writer';

/** The names inside the zip, in the order they are listed in SHA256SUMS (packages/verify/README.md). */
export const EVIDENCE_FILES = {
  report: 'report.pdf',
  data: 'data.csv',
  manifest: 'manifest.json',
  manifestSignature: 'manifest.json.sig',
  audit: 'audit-trail-verification.json',
  checkpoint: 'checkpoint.txt',
  proofs: 'proofs.json',
  keys: 'keys.json',
  sums: 'SHA256SUMS',
  sumsSignature: 'SHA256SUMS.sig',
} as const;

/** The audit-trail verification of the export's tenant and time window. */
export type AuditWindowCheck = (tenantId: string, from: Date | null, to: Date) => Promise<AuditWindowVerification>;

/** The signed evidence of the period's audit events in the export's checkpoint. */
export type PackEvidenceFor = (tenantId: string, checkpoint: ExportCheckpoint, firstSeq: number | null, lastSeq: number | null) => Promise<PackEvidence>;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The evidence pack: one zip an auditor can check offline with standard tools. It holds the translated
 * PDF report and the CSV of the same records (the two writers fed the same batches), the manifest, the
 * audit trail's verification over the export's time window, and SHA256SUMS in the format `sha256sum -c`
 * reads. With a signing key it also carries the evidence that holds against the operator: the manifest's and
 * SHA256SUMS's Ed25519 signatures, the checkpoint of the tenant's audit log the report prints, the inclusion proofs of
 * the period's first and last events in it, and the public keys (packages/verify checks them offline).
 * Entries carry the manifest's generation time, and the zip is streamed from files on disk.
 */
export class EvidencePackWriter implements FormatWriter {
  readonly extension = 'zip';
  readonly contentType = 'application/zip';
  /** The PDF prints the data digest on every page. */
  readonly needsDigestFirst = true;
  private context!: WriterContext;
  private rowsWritten = 0;

  constructor(
    private readonly pdf: FormatWriter,
    private readonly csv: FormatWriter,
    private readonly checkAuditWindow: AuditWindowCheck,
    private readonly evidenceFor: PackEvidenceFor | null = null,
  ) {}

  async open(context: WriterContext): Promise<void> {
    this.context = context;
    await this.csv.open(context);
    await this.pdf.open(context);
  }

  async write(batch: RecordBatch): Promise<void> {
    await this.csv.write(batch);
    await this.pdf.write(batch);
    this.rowsWritten += batch.rows.length;
  }

  /** The report's progress: its pages are printed last. */
  rowsDone(): number {
    return this.pdf.rowsDone?.() ?? this.rowsWritten;
  }

  async finish(): Promise<string> {
    const { workDir, exportId, manifest, checkpoint } = this.context;
    const files: [string, string][] = [
      [EVIDENCE_FILES.report, await this.pdf.finish()],
      [EVIDENCE_FILES.data, await this.csv.finish()],
    ];
    const verification = await this.checkAuditWindow(
      manifest.tenant_id,
      manifest.time_window.from ? new Date(manifest.time_window.from) : null,
      new Date(manifest.time_window.to),
    );
    const evidence =
      checkpoint && this.evidenceFor ? await this.evidenceFor(manifest.tenant_id, checkpoint, verification.first_seq, verification.last_seq) : null;
    const put = async (name: string, content: string | Buffer): Promise<void> => {
      const path = join(workDir, name);
      await writeFile(path, content);
      files.push([name, path]);
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    await put(EVIDENCE_FILES.manifest, manifestBytes);
    if (evidence) await put(EVIDENCE_FILES.manifestSignature, evidence.signatureFile(manifestBytes));
    await put(EVIDENCE_FILES.audit, `${JSON.stringify(verification, null, 2)}\n`);
    if (evidence && checkpoint) {
      await put(EVIDENCE_FILES.checkpoint, checkpoint.note);
      await put(EVIDENCE_FILES.proofs, `${JSON.stringify(evidence.proofs, null, 2)}\n`);
      await put(EVIDENCE_FILES.keys, `${JSON.stringify(evidence.keys, null, 2)}\n`);
    }
    // Text mode (two spaces), one line per file, as sha256sum writes and `sha256sum -c` reads it.
    const sums = Buffer.from((await Promise.all(files.map(async ([name, path]) => `${await sha256Of(path)}  ${name}\n`))).join(''));
    await put(EVIDENCE_FILES.sums, sums);
    if (evidence) await put(EVIDENCE_FILES.sumsSignature, evidence.signatureFile(sums));

    const output = join(workDir, `${exportId}.zip`);
    const zip = new ZipFile();
    const mtime = new Date(manifest.generated_at);
    for (const [name, path] of files) zip.addReadStream(createReadStream(path), name, { mtime, size: (await stat(path)).size });
    const written = pipeline(zip.outputStream, createWriteStream(output));
    zip.end();
    await written;
    return output;
  }

  async abort(): Promise<void> {
    await Promise.allSettled([this.csv.abort(), this.pdf.abort()]);
  }
}
