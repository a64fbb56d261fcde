// @ts-check
'use strict';
const { randomBytes } = require('node:crypto');
const { crc32: zlibCrc32 } = require('node:zlib');

const { readZip, ZipError, crc32 } = require('../src/zip');
const { zip } = require('./pack-fixture');

const files = new Map([
  ['manifest.json', Buffer.from('{"export_id": "exp_1"}\n')],
  ['data.csv', Buffer.from('id,title\n'.repeat(5000))],
  ['report.pdf', randomBytes(70000)],
  ['empty.txt', Buffer.alloc(0)],
  ['dir/ünïcode.txt', Buffer.from('nested\n')],
]);

/**
 * The offset of the first central directory entry (a zip without a comment).
 * @param {Buffer} archive
 */
const centralDirectory = (archive) => archive.readUInt32LE(archive.length - 22 + 16);

/**
 * @param {Buffer} archive
 * @param {(copy: Buffer) => void} edit
 */
const edited = (archive, edit) => {
  const copy = Buffer.from(archive);
  edit(copy);
  return copy;
};

describe('readZip', () => {
  it('reads every entry of a deflated and of a stored zip written by yazl, byte for byte', async () => {
    for (const compress of [true, false]) {
      const read = readZip(await zip(files, { compress }));
      expect([...read.keys()]).toEqual([...files.keys()]);
      for (const [name, data] of files) expect(read.get(name)?.equals(data)).toBe(true);
    }
  });

  it('reads entries streamed with their CRC and sizes in data descriptors, as the evidence pack writer streams them', async () => {
    const archive = await zip(files, { streamed: true });
    // General purpose flag bit 3: the local header's CRC and sizes are zero, the central directory has them.
    expect(archive.readUInt16LE(6) & 0x08).toBe(0x08);
    expect(archive.readUInt32LE(18)).toBe(0);
    const read = readZip(archive);
    for (const [name, data] of files) expect(read.get(name)?.equals(data)).toBe(true);
  });

  it('finds the end of the central directory behind an archive comment', async () => {
    const read = readZip(await zip(files, { comment: 'evidence pack exp_1 of ten_1, written by Alert Ledger' }));
    expect(read.get('data.csv')?.equals(/** @type {Buffer} */ (files.get('data.csv')))).toBe(true);
  });

  it('refuses zip64 archives', async () => {
    const archive = await zip(files, { forceZip64Format: true });
    expect(() => readZip(archive)).toThrow(new ZipError('zip64 archives are not supported'));
  });

  it('refuses encrypted entries and compression methods other than stored and deflate', async () => {
    const archive = await zip(files);
    const at = centralDirectory(archive);
    expect(() => readZip(edited(archive, (c) => c.writeUInt16LE(c.readUInt16LE(at + 8) | 1, at + 8)))).toThrow(
      'manifest.json: encrypted entries are not supported',
    );
    expect(() => readZip(edited(archive, (c) => c.writeUInt16LE(12, at + 10)))).toThrow(
      'manifest.json: compression method 12 is not supported (only stored and deflate)',
    );
  });

  it('refuses damaged data: a changed byte, a size that does not match, a local header of another name', async () => {
    const archive = await zip(files, { compress: false });
    const at = centralDirectory(archive);
    const data = archive.indexOf('{"export_id"');
    expect(() => readZip(edited(archive, (c) => (c[data + 3] ^= 1)))).toThrow('manifest.json: CRC-32 mismatch (the entry is damaged)');
    const deflated = await zip(files);
    const deflatedAt = centralDirectory(deflated);
    expect(() => readZip(edited(deflated, (c) => c.writeUInt32LE(c.readUInt32LE(deflatedAt + 24) - 1, deflatedAt + 24)))).toThrow(
      'manifest.json: 23 bytes where the directory says 22',
    );
    expect(() => readZip(edited(archive, (c) => (c[30] = 'n'.charCodeAt(0))))).toThrow('manifest.json: the local header names another file');
    expect(() => readZip(edited(archive, (c) => c.writeUInt32LE(0, at)))).toThrow('central directory entry 1 of 5 is missing or damaged');
  });

  it('refuses two entries of one name', async () => {
    const archive = await zip([...files, ['data.csv', Buffer.from('a second data.csv')]]);
    expect(() => readZip(archive)).toThrow('data.csv: the archive holds two entries of this name');
  });

  it('refuses what is not a zip, and a zip cut short', async () => {
    expect(() => readZip(Buffer.from('%PDF-1.7\n'))).toThrow('not a zip file (too short)');
    expect(() => readZip(randomBytes(5000))).toThrow('not a zip file (no end of central directory record)');
    const archive = await zip(files);
    expect(() => readZip(archive.subarray(0, archive.length - 30))).toThrow(ZipError);
    expect(() => readZip(archive.subarray(2000))).toThrow(ZipError);
  });
});

describe('crc32', () => {
  it('is the CRC-32 zip uses', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    const data = randomBytes(10000);
    expect(crc32(data)).toBe(zlibCrc32(data));
  });
});
