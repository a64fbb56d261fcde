import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { PassThrough, pipeline, Readable } from 'node:stream';

import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

import { OnModuleDestroy } from '@nestjs/common';

import { AppConfig } from '@app/config';

import { ExportStorage, LocalExportStorage } from './export-storage';
import { isMissingObject, objectStoreFailure } from './s3-failures';

/** S3's multipart limits as Swift's s3api sets them: parts of 5 MiB or more, at most 1,000 of them. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 1000;

/** The part size that uploads a file of `size` bytes in at most MAX_PARTS parts: 5 MiB, or whole MiBs above it. */
export function partSizeFor(size: number): number {
  const mib = 1024 * 1024;
  return Math.max(MIN_PART_BYTES, Math.ceil(size / MAX_PARTS / mib) * mib);
}

/** The HTTP Range header of an inclusive byte range. */
export function rangeHeader(range: { start: number; end: number }): string {
  return `bytes=${range.start}-${range.end}`;
}

/** Seconds a presigned download URL stays valid: enough to start the download, which then runs to its end. */
export const PRESIGNED_URL_SECONDS = 300;

/** Parts of one upload sent at once: memory per upload is about this many parts. */
const UPLOAD_QUEUE = 2;

/**
 * Export files and event images in an S3-compatible bucket (EXPORT_STORAGE=s3), so every api and worker
 * replica reads what any worker wrote. Work files stay on local disk (writers need paths) and are
 * uploaded, streamed in parts, by `put`; reads stream the object, in byte ranges. The SDK's failures
 * become ObjectStoreFailures: the job's error_message names the store, and only faults a later attempt
 * can mend (network, 5xx) are retried.
 */
export class S3ExportStorage extends ExportStorage implements OnModuleDestroy {
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly endpoint: string;
  private readonly work: LocalExportStorage;
  private readonly presigned: boolean;

  constructor(config: AppConfig) {
    super();
    const s3 = config.s3;
    this.bucket = s3.bucket;
    this.endpoint = s3.endpoint ?? `AWS S3 in ${s3.region}`;
    this.work = new LocalExportStorage(config);
    this.presigned = s3.presignedDownloads;
    this.client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint ?? undefined,
      forcePathStyle: s3.forcePathStyle,
      credentials: s3.credentials ?? undefined,
      // Swift answers 501 "aws-chunked is not supported" to a streamed PutObject with the SDK's default
      // checksums; it checks Content-MD5 and ignores CRC32 headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: {
        // An unreachable store fails in seconds (the SDK retries it twice), not at the kernel's timeout.
        connectionTimeout: 5_000,
        socketTimeout: 60_000,
        // A download holds its socket for as long as its client reads.
        httpAgent: { keepAlive: true, maxSockets: 256 },
        httpsAgent: { keepAlive: true, maxSockets: 256 },
      },
    });
  }

  /** Closes the kept-alive sockets with the app. */
  onModuleDestroy(): void {
    this.client.destroy();
  }

  workDir(exportId: string): Promise<string> {
    return this.work.workDir(exportId);
  }

  discardWork(exportId: string): Promise<void> {
    return this.work.discardWork(exportId);
  }

  /** Uploads the file streamed in parts (never whole in memory), then removes it; a failed upload is aborted, leaving no object. */
  async put(localFile: string, key: string): Promise<void> {
    const { size } = await stat(localFile);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: createReadStream(localFile) },
      partSize: partSizeFor(size),
      queueSize: UPLOAD_QUEUE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw objectStoreFailure(error, 'storing', this.where(key));
    }
    await rm(localFile, { force: true });
  }

  async size(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? null;
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw objectStoreFailure(error, 'reading', this.where(key));
    }
  }

  /**
   * The object's bytes (or a range of them) as a stream at once: the store's answer is piped in when it
   * arrives, and its failure destroys the stream. A reader that goes away aborts the request or the body.
   */
  read(key: string, range?: { start: number; end: number }): Readable {
    const out = new PassThrough();
    const abort = new AbortController();
    let arrived = false;
    out.once('close', () => {
      if (!arrived) abort.abort();
    });
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? rangeHeader(range) : undefined }), { abortSignal: abort.signal })
      .then(({ Body }) => {
        arrived = true;
        if (out.destroyed) return (Body as Readable | undefined)?.destroy();
        pipeline(Body as Readable, out, () => undefined);
      })
      .catch((error: unknown) => {
        if (!out.destroyed) out.destroy(objectStoreFailure(error, 'reading', this.where(key)));
      });
    return out;
  }

  /** With S3_PRESIGNED_DOWNLOADS: a presigned GET that answers the file under its name and type (signed locally, no request). */
  override async downloadUrl(key: string, answer: { fileName: string; contentType: string }): Promise<string | null> {
    if (!this.presigned) return null;
    const get = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentDisposition: `attachment; filename="${answer.fileName}"`,
      ResponseContentType: answer.contentType,
    });
    return getSignedUrl(this.client, get, { expiresIn: PRESIGNED_URL_SECONDS });
  }

  /** One DeleteObject per key: Swift's s3api refuses the SDK's multi-delete (it wants Content-MD5). */
  async remove(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      if (isMissingObject(error)) return;
      throw objectStoreFailure(error, 'removing', this.where(key));
    }
  }

  private where(key: string): { endpoint: string; bucket: string; key: string } {
    return { endpoint: this.endpoint, bucket: this.bucket, key };
  }
}
