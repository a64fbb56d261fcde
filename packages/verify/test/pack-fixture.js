// @ts-check
'use strict';
/**
 * Evidence packs made the way the server makes them (README.md's layout), from a log of random events and
 * an Ed25519 key generated here, so that every check can be shown to pass on a true pack and to fail on a
 * pack changed in one place.
 */
const { createHash, generateKeyPairSync, randomBytes, sign } = require('node:crypto');
const { Readable } = require('node:stream');

const { ZipFile } = require('yazl');

const { noteKeyHash } = require('../src/note');
const { mth, path, proof, hashLeaves } = require('./reference-tree');

/**
 * @typedef {object} TestKey
 * @property {string} name the note key name
 * @property {string} kid
 * @property {import('node:crypto').KeyObject} privateKey
 * @property {import('node:crypto').KeyObject} publicKey
 * @property {Buffer} raw the 32-byte public key
 */

/**
 * @param {string} name
 * @returns {TestKey}
 */
function generateKey(name) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(/** @type {string} */ (publicKey.export({ format: 'jwk' }).x), 'base64url');
  return { name, kid: `kid-${name}`, privateKey, publicKey, raw };
}

/**
 * keys.json: a JWKS of the keys, with their note key names.
 * @param {TestKey[]} keys
 * @returns {Buffer}
 */
function jwks(keys) {
  const list = keys.map((k) => ({ kty: 'OKP', crv: 'Ed25519', x: k.raw.toString('base64url'), kid: k.kid, use: 'sig', alg: 'EdDSA', note_key_name: k.name }));
  return Buffer.from(`${JSON.stringify({ keys: list }, null, 2)}\n`);
}

/**
 * A C2SP signed note: the text, a blank line, a signature line per key.
 * @param {string} text ends with a newline
 * @param {TestKey[]} keys
 * @returns {Buffer}
 */
function signNote(text, keys) {
  const lines = keys.map((k) => {
    const signature = sign(null, Buffer.from(text), k.privateKey);
    return `\u2014 ${k.name} ${Buffer.concat([noteKeyHash(k.name, k.raw), signature]).toString('base64')}\n`;
  });
  return Buffer.from(`${text}\n${lines.join('')}`);
}

/**
 * @param {string} origin
 * @param {Buffer[]} leafHashes the whole log; the checkpoint is of all of it
 * @returns {string}
 */
function checkpointText(origin, leafHashes) {
  return `${origin}\n${leafHashes.length}\n${mth(leafHashes).toString('base64')}\n`;
}

/**
 * The one-line detached signature file.
 * @param {Buffer} signed
 * @param {TestKey} key
 * @returns {Buffer}
 */
function signDetached(signed, key) {
  return Buffer.from(`${key.name} ${sign(null, signed, key.privateKey).toString('base64')}\n`);
}

/**
 * @param {Map<string, Buffer>} files
 * @param {string[]} names
 * @returns {Buffer}
 */
function sha256sums(files, names) {
  return Buffer.from(
    names
      .map(
        (name) =>
          `${createHash('sha256')
            .update(/** @type {Buffer} */ (files.get(name)))
            .digest('hex')}  ${name}\n`,
      )
      .join(''),
  );
}

const ORIGIN = 'alert-ledger.example/tenant/ten_01TEST';
const CONTENT = ['report.pdf', 'data.csv', 'manifest.json', 'manifest.json.sig', 'audit-trail-verification.json', 'checkpoint.txt', 'proofs.json', 'keys.json'];

/**
 * A tenant's log of `size` random events: the leaves are their canonical bytes.
 * @param {number} size
 */
function makeLog(size) {
  const events = Array.from({ length: size }, (_, seq) =>
    Buffer.from(JSON.stringify({ id: `aud_${String(seq).padStart(4, '0')}`, seq, action: 'alert.created', nonce: randomBytes(8).toString('hex') })),
  );
  return { events, leafHashes: hashLeaves(events) };
}

/**
 * The files of an evidence pack over events first..last of a log checkpointed at its whole size.
 * `change` edits files before SHA256SUMS is written (a forger who writes SHA256SUMS again).
 * @param {{ key: TestKey, log: ReturnType<typeof makeLog>, first: number, last: number, origin?: string, withLeafData?: boolean, change?: (files: Map<string, Buffer>) => void }} options
 * @returns {Map<string, Buffer>}
 */
function makePack({ key, log, first, last, origin = ORIGIN, withLeafData = true, change }) {
  const { events, leafHashes } = log;
  const manifest = Buffer.from(`${JSON.stringify({ export_id: 'exp_01TEST', tenant_id: 'ten_01TEST', format: 'evidence_pack', row_count: 3 }, null, 2)}\n`);
  /** @param {number} index */
  const leafProof = (index) => ({
    event_id: `aud_${String(index).padStart(4, '0')}`,
    leaf_index: index,
    leaf_hash: leafHashes[index].toString('hex'),
    inclusion_path: path(index, leafHashes).map((h) => h.toString('hex')),
    ...(withLeafData ? { leaf_data: events[index].toString('base64') } : {}),
  });
  const proofs = { tree_size: leafHashes.length, root_hash: mth(leafHashes).toString('hex'), first: leafProof(first), last: leafProof(last) };
  /** @type {Map<string, Buffer>} */
  const files = new Map([
    ['report.pdf', Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2000)])],
    ['data.csv', Buffer.from('id,severity,title\nalr_1,high,Disk full\nalr_2,low,"Quote, comma"\nalr_3,critical,Door open\n')],
    ['manifest.json', manifest],
    ['manifest.json.sig', signDetached(manifest, key)],
    ['audit-trail-verification.json', Buffer.from('{"valid": true}\n')],
    ['checkpoint.txt', signNote(checkpointText(origin, leafHashes), [key])],
    ['proofs.json', Buffer.from(`${JSON.stringify(proofs, null, 2)}\n`)],
    ['keys.json', jwks([key])],
  ]);
  change?.(files);
  files.set(
    'SHA256SUMS',
    sha256sums(
      files,
      CONTENT.filter((name) => files.has(name)),
    ),
  );
  files.set('SHA256SUMS.sig', signDetached(/** @type {Buffer} */ (files.get('SHA256SUMS')), key));
  return files;
}

/**
 * A forger's change for makePack: the manifest's row count changed, its signature left as it was.
 * @param {Map<string, Buffer>} files
 */
function forgeManifest(files) {
  files.set('manifest.json', Buffer.from(String(files.get('manifest.json')).replace('"row_count": 3', '"row_count": 2')));
}

/**
 * The answer of GET /v1/audit-trail/consistency?first=m&second=n over a log.
 * @param {Buffer[]} leafHashes
 * @param {number} m
 * @returns {Buffer}
 */
function consistencyAnswer(leafHashes, m) {
  const body = { first: m, second: leafHashes.length, consistency_path: proof(m, leafHashes).map((h) => h.toString('hex')) };
  return Buffer.from(JSON.stringify(body));
}

/**
 * A zip of the files, written by yazl as the server writes evidence packs (a name given twice is written twice).
 * @param {Iterable<[string, Buffer]>} files
 * @param {{ compress?: boolean, forceZip64Format?: boolean, comment?: string, streamed?: boolean }} [options]
 * @returns {Promise<Buffer>}
 */
function zip(files, options = {}) {
  const zipFile = new ZipFile();
  for (const [name, data] of files) {
    const entry = { compress: options.compress ?? true, forceZip64Format: options.forceZip64Format ?? false, mtime: new Date(0) };
    // Streamed entries have their CRC and sizes in a data descriptor after the data, as EvidencePackWriter writes them.
    if (options.streamed) zipFile.addReadStream(Readable.from([data]), name, { ...entry, size: data.length });
    else zipFile.addBuffer(data, name, entry);
  }
  zipFile.end({ forceZip64Format: options.forceZip64Format ?? false, comment: options.comment ?? '' });
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    zipFile.outputStream.on('data', (chunk) => chunks.push(chunk));
    zipFile.outputStream.on('error', reject);
    zipFile.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

module.exports = { ORIGIN, generateKey, jwks, signNote, signDetached, checkpointText, makeLog, makePack, forgeManifest, consistencyAnswer, sha256sums, zip };
