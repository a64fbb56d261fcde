// @ts-check
'use strict';
/**
 * A zip reader for evidence packs, small enough to read in one sitting: the end of central directory
 * record, the central directory, each entry's local header, and stored or deflated data (zlib's raw
 * inflate), each entry checked against its size and CRC-32. Anything else (zip64, encryption, other
 * compression methods, split archives, two entries of one name) is refused with a ZipError saying so:
 * an evidence pack never needs it, and a reader that guesses is a reader that can be fooled.
 */
const { inflateRawSync } = require('node:zlib');

class ZipError extends Error {}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;
const ZIP64_EXTRA = 0x0001;

/** @type {Uint32Array | undefined} */
let crcTable;

/**
 * CRC-32 (ISO-HDLC, as zip uses it). zlib.crc32 exists only from Node 20.15, and the package promises 20.
 * @param {Buffer} data
 * @returns {number}
 */
function crc32(data) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The end of central directory record: the last one in the file whose comment length reaches exactly to
 * the end, searched backwards over at most the longest comment a zip may carry.
 * @param {Buffer} zip
 * @returns {number} its offset
 */
function findEndOfCentralDirectory(zip) {
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE && at + EOCD_SIZE + zip.readUInt16LE(at + 20) === zip.length) return at;
  }
  throw new ZipError('not a zip file (no end of central directory record)');
}

/**
 * Every entry of the zip by name, its data inflated and checked. Directory entries (names ending in "/")
 * are left out.
 * @param {Buffer} zip the whole file
 * @returns {Map<string, Buffer>}
 */
function readZip(zip) {
  if (zip.length < EOCD_SIZE) throw new ZipError('not a zip file (too short)');
  const eocd = findEndOfCentralDirectory(zip);
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_LOCATOR_SIGNATURE) throw new ZipError('zip64 archives are not supported');
  const disk = zip.readUInt16LE(eocd + 4);
  const centralDisk = zip.readUInt16LE(eocd + 6);
  const entriesHere = zip.readUInt16LE(eocd + 8);
  const entries = zip.readUInt16LE(eocd + 10);
  const centralSize = zip.readUInt32LE(eocd + 12);
  const centralOffset = zip.readUInt32LE(eocd + 16);
  if (entries === 0xffff || centralSize === 0xffffffff || centralOffset === 0xffffffff) throw new ZipError('zip64 archives are not supported');
  if (disk !== 0 || centralDisk !== 0 || entriesHere !== entries) throw new ZipError('split (multi-disk) archives are not supported');
  if (centralOffset + centralSize > eocd) throw new ZipError('the central directory lies outside the file');

  /** @type {Map<string, Buffer>} */
  const files = new Map();
  let at = centralOffset;
  for (let i = 0; i < entries; i++) {
    if (at + CENTRAL_SIZE > centralOffset + centralSize || zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ZipError(`central directory entry ${i + 1} of ${entries} is missing or damaged`);
    }
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const entryDisk = zip.readUInt16LE(at + 34);
    const localOffset = zip.readUInt32LE(at + 42);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > centralOffset + centralSize) throw new ZipError(`central directory entry ${i + 1} runs past the directory`);
    const rawName = zip.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    const name = rawName.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1');
    const extra = zip.subarray(at + CENTRAL_SIZE + nameLength, at + CENTRAL_SIZE + nameLength + extraLength);
    at = next;

    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw new ZipError(`${name}: encrypted entries are not supported`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff || hasZip64Extra(extra)) {
      throw new ZipError(`${name}: zip64 entries are not supported`);
    }
    if (method !== STORED && method !== DEFLATE) throw new ZipError(`${name}: compression method ${method} is not supported (only stored and deflate)`);
    if (entryDisk !== 0) throw new ZipError(`${name}: split (multi-disk) archives are not supported`);
    if (files.has(name)) throw new ZipError(`${name}: the archive holds two entries of this name`);

    const data = readEntry(zip, { name, rawName, method, crc, compressedSize, size, localOffset, centralOffset });
    if (!name.endsWith('/')) files.set(name, data);
  }
  return files;
}

/**
 * @param {Buffer} extra an entry's extra field
 * @returns {boolean} whether it holds a zip64 extended information record
 */
function hasZip64Extra(extra) {
  for (let at = 0; at + 4 <= extra.length; at += 4 + extra.readUInt16LE(at + 2)) {
    if (extra.readUInt16LE(at) === ZIP64_EXTRA) return true;
  }
  return false;
}

/**
 * One entry's data, through its local header (whose name must be the central directory's).
 * @param {Buffer} zip
 * @param {{ name: string, rawName: Buffer, method: number, crc: number, compressedSize: number, size: number, localOffset: number, centralOffset: number }} entry
 * @returns {Buffer}
 */
function readEntry(zip, entry) {
  const { name, localOffset } = entry;
  if (localOffset + LOCAL_SIZE > entry.centralOffset || zip.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
    throw new ZipError(`${name}: the local header is missing or damaged`);
  }
  const nameLength = zip.readUInt16LE(localOffset + 26);
  const extraLength = zip.readUInt16LE(localOffset + 28);
  const localName = zip.subarray(localOffset + LOCAL_SIZE, localOffset + LOCAL_SIZE + nameLength);
  if (!localName.equals(entry.rawName)) throw new ZipError(`${name}: the local header names another file`);
  const start = localOffset + LOCAL_SIZE + nameLength + extraLength;
  const end = start + entry.compressedSize;
  if (end > entry.centralOffset) throw new ZipError(`${name}: the data runs past the start of the central directory`);
  const raw = zip.subarray(start, end);

  /** @type {Buffer} */
  let data;
  if (entry.method === STORED) {
    if (entry.compressedSize !== entry.size) throw new ZipError(`${name}: a stored entry whose sizes differ`);
    data = raw;
  } else {
    try {
      // One byte more than the size promised, so that data longer than that shows as a size mismatch.
      data = inflateRawSync(raw, { maxOutputLength: entry.size + 1 });
    } catch (error) {
      throw new ZipError(`${name}: the compressed data is damaged (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (data.length !== entry.size) throw new ZipError(`${name}: ${data.length} bytes where the directory says ${entry.size}`);
  if (crc32(data) !== entry.crc) throw new ZipError(`${name}: CRC-32 mismatch (the entry is damaged)`);
  return data;
}

module.exports = { readZip, ZipError, crc32 };
