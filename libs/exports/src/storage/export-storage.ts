import { createReadStream } from 'node:fs';
import { access, constants, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '@app/config';

/**
 * Where finished export files live. Workers build a file in a private work directory on local disk
 * (exceljs, Chromium and qpdf need paths) and `put` it under its key; downloads read it back, in byte
 * ranges. LocalExportStorage keeps files under EXPORT_DIR; S3ExportStorage (EXPORT_STORAGE=s3) in a bucket.
 */
export abstract class ExportStorage {
  abstract workDir(exportId: string): Promise<string>;
  abstract discardWork(exportId: string): Promise<void>;
  abstract put(localFile: string, key: string): Promise<void>;
  abstract size(key: string): Promise<number | null>;
  abstract read(key: string, range?: { start: number; end: number }): Readable;
  abstract remove(key: string): Promise<void>;

  /** A short-lived URL a client may fetch the file from itself, or null when downloads go through the api. */
  async downloadUrl(_key: string, _answer: { fileName: string; contentType: string }): Promise<string | null> {
    return null;
  }
}

@Injectable()
export class LocalExportStorage extends ExportStorage {
  private readonly root: string;

  constructor(config: AppConfig) {
    super();
    this.root = resolve(config.exportDir);
  }

  /** A fresh, empty directory for one job's partial files (a retry starts from nothing). */
  async workDir(exportId: string): Promise<string> {
    const dir = join(this.root, '.work', exportId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return dir;
  }

  async discardWork(exportId: string): Promise<void> {
    await rm(join(this.root, '.work', exportId), { recursive: true, force: true });
  }

  async put(localFile: string, key: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    await rename(localFile, target);
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.path(key))).size;
    } catch {
      return null;
    }
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range);
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    const target = resolve(this.root, key);
    if (!target.startsWith(`${this.root}/`)) throw new Error(`storage key escapes the export directory: ${key}`);
    return target;
  }
}
