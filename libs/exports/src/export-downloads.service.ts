import { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { AuditTrailService } from '@app/audit-trail';
import { ExportJob } from '@app/database';

import { FILE_TYPES } from './dto/export-enums';
import { exportExpired, exportNotReady, rangeNotSatisfiable } from './errors/export-errors';
import { ExportsService } from './exports.service';
import { ExportStorage } from './storage/export-storage';

export interface Download {
  /** 307: a redirect to the store's presigned URL (S3_PRESIGNED_DOWNLOADS), with an empty body. */
  status: 200 | 206 | 307;
  headers: Record<string, string>;
  body: Readable;
}

/** The longest Range header read; a longer one is not satisfiable (416). */
export const RANGE_MAX_LENGTH = 200;

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against a size; null when the header asks for several ranges (the whole file is sent). */
export function parseRange(header: string, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (header.length > RANGE_MAX_LENGTH) return 'unsatisfiable';
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return header.includes(',') ? null : 'unsatisfiable';
  const [, from, to] = match;
  if (from === '' && to === '') return 'unsatisfiable';
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Serves a finished export's file with its digest, in whole or by byte range, and records each download. */
@Injectable()
export class ExportDownloadsService {
  constructor(
    private readonly exports: ExportsService,
    private readonly storage: ExportStorage,
    private readonly auditTrail: AuditTrailService,
  ) {}

  async open(id: string, range: string | undefined, ifRange: string | undefined): Promise<Download> {
    const job = await this.exports.get(id);
    const size = await this.readyFile(job);
    const sha = job.sha256 as string;
    const etag = `"${sha}"`;
    const headers: Record<string, string> = {
      'Content-Type': FILE_TYPES[job.format].contentType,
      'Content-Disposition': `attachment; filename="${job.fileName}"`,
      'Repr-Digest': `sha-256=:${Buffer.from(sha, 'hex').toString('base64')}:`,
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'private, no-store',
    };
    let part: { start: number; end: number } | null = null;
    if (range && (ifRange === undefined || ifRange === etag)) {
      const parsed = parseRange(range, size);
      if (parsed === 'unsatisfiable') throw rangeNotSatisfiable(range, size);
      part = parsed;
    }
    await this.auditTrail.record({
      tenantId: job.tenantId,
      action: 'export.download',
      resourceType: 'export',
      resourceId: job.id,
      details: { file_name: job.fileName, sha256: sha, range: part ? `${part.start}-${part.end}` : null },
    });
    const url = await this.storage.downloadUrl(job.storageKey as string, { fileName: job.fileName as string, contentType: headers['Content-Type'] });
    if (url) {
      // The store answers the Range (and the name and type) itself; Repr-Digest and ETag still say what the file is.
      const { 'Accept-Ranges': _ranges, 'Content-Disposition': _name, 'Content-Type': _type, ...kept } = headers;
      return { status: 307, headers: { ...kept, Location: url, 'Content-Length': '0' }, body: Readable.from([]) };
    }
    if (part) {
      headers['Content-Range'] = `bytes ${part.start}-${part.end}/${size}`;
      headers['Content-Length'] = String(part.end - part.start + 1);
      return { status: 206, headers, body: this.storage.read(job.storageKey as string, part) };
    }
    headers['Content-Length'] = String(size);
    return { status: 200, headers, body: this.storage.read(job.storageKey as string) };
  }

  /** The file's size when it can be downloaded; 409 while not ready or never to be, 410 once expired. */
  private async readyFile(job: ExportJob): Promise<number> {
    if (job.status === 'expired' || (job.status === 'completed' && job.expiresAt && job.expiresAt <= new Date())) throw exportExpired(job);
    if (job.status !== 'completed' || !job.storageKey) throw exportNotReady(job);
    const size = await this.storage.size(job.storageKey);
    if (size === null) throw exportExpired(job);
    return size;
  }
}
