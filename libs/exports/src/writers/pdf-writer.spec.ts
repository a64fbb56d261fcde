import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describeFailure } from '../runner/export-failures';
import { IMAGE_BYTES_PER_CHUNK, imageChunkSize, mergePdfs, pagesPerChunk } from './pdf-writer';

const run = promisify(execFile);

describe('pagesPerChunk', () => {
  it('should give every Chromium page several chunks of a small report and cap the chunks of a large one', () => {
    expect(pagesPerChunk(86, 2)).toBe(11); // 8 chunks: both pages busy, progress in steps of an eighth
    expect(pagesPerChunk(1_786, 2)).toBe(100); // a 50,000-row report: the largest chunks
    expect(pagesPerChunk(5, 2)).toBe(10); // never below ten pages a chunk
    expect(pagesPerChunk(1, 1)).toBe(10);
  });
});

/** A valid one-page PDF (with a correct cross-reference table, so qpdf warns of nothing). */
function onePagePdf(): Buffer {
  const objects = ['<</Type/Catalog/Pages 2 0 R>>', '<</Type/Pages/Kids[3 0 R]/Count 1>>', '<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>'];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, i) => {
    const offset = body.length;
    body += `${i + 1} 0 obj${object}endobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('mergePdfs (qpdf)', () => {
  let dir: string;
  let page: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-ledger-merge-'));
    page = join(dir, 'page.pdf');
    await writeFile(page, onePagePdf());
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('should merge the files in order', async () => {
    const output = join(dir, 'merged.pdf');
    await mergePdfs([page, page, page], output);
    expect((await run('qpdf', ['--show-npages', output])).stdout.trim()).toBe('3');
  });

  it('should report a full disk as the storage failure, which is not retried', async () => {
    // /dev/full fails every write with ENOSPC; 300 pages are more than qpdf's output buffer holds.
    const failure = await mergePdfs(
      Array.from({ length: 300 }, () => page),
      '/dev/full',
    ).catch((error: unknown) => error);
    expect(failure).toEqual(expect.objectContaining({ code: 'ENOSPC', path: '/dev/full' }));
    expect(describeFailure(failure)).toEqual({ message: 'Could not write the export file: the disk is full (ENOSPC at /dev/full).', retryable: false });
  });

  it('should leave other qpdf failures retryable', async () => {
    const failure = await mergePdfs([join(dir, 'missing.pdf')], join(dir, 'out.pdf')).catch((error: unknown) => error);
    expect(describeFailure(failure)).toEqual({
      message: expect.stringMatching(/^The export failed: .*missing\.pdf: No such file or directory/s),
      retryable: true,
    });
  });
});

describe('imageChunkSize (include_images)', () => {
  const MiB = 1024 * 1024;

  it('should wait for a whole page of images unless it is the last chunk', () => {
    expect(imageChunkSize([10, 10, 10], false)).toBe(0);
    expect(imageChunkSize([10, 10, 10], true)).toBe(3);
    expect(imageChunkSize([], true)).toBe(0);
  });

  it('should take whole pages up to the byte cap, and at least one page however large', () => {
    expect(imageChunkSize(Array(18).fill(1 * MiB), false)).toBe(12);
    expect(imageChunkSize(Array(7).fill(5 * MiB), false)).toBe(0);
    expect(imageChunkSize(Array(12).fill(5 * MiB), false)).toBe(6);
    expect(imageChunkSize(Array(7).fill(5 * MiB), true)).toBe(6);
    expect(IMAGE_BYTES_PER_CHUNK).toBe(16 * MiB);
  });

  it('should take at most ten pages of small images a chunk', () => {
    expect(imageChunkSize(Array(100).fill(1000), false)).toBe(60);
    expect(imageChunkSize(Array(59).fill(1000), false)).toBe(0);
  });
});
