// @ts-check
'use strict';
/**
 * The checks of one export of any format (CSV, NDJSON, XLSX, PDF or an evidence pack) as its job answers
 * it (GET /v1/exports/{id}): the manifest's detached signature over its canonical JSON, and, given the
 * downloaded file, that the file is the one the manifest describes.
 */
const { createHash } = require('node:crypto');

const { FormatError, parseKeys, verifyDetached } = require('./note');
const { UsageError, readInput, unwrapped, parseJson, describeKey, record } = require('./pack');

/**
 * JSON with object keys sorted by UTF-16 code unit at every level and no white space: the bytes the
 * manifest's signature covers (the server serialises the manifest it stores the same way).
 * @param {unknown} value
 * @returns {string}
 */
function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * @typedef {object} ExportInput
 * @property {Buffer} job the answer of GET /v1/exports/{id} as saved (the envelope or its `data`)
 * @property {Buffer | null} file the downloaded export file, or null
 * @property {Buffer} keys the auditor's own key file (--keys)
 */

/**
 * @param {ExportInput} input
 * @returns {import('./pack').Result[]}
 */
function verifyExport(input) {
  const keys = readInput('--keys', () => parseKeys(input.keys));
  const job = readInput('--export', () => {
    const body = unwrapped(parseJson(input.job, 'the file'));
    if (!body || typeof body.manifest !== 'object' || body.manifest === null)
      throw new FormatError('no manifest: save the answer of GET /v1/exports/{id} once the job is completed');
    return body;
  });
  /** @type {import('./pack').Result[]} */
  const results = [];
  const check = record(results);
  check('keys', () => ({ detail: `${keys.length === 1 ? '1 key' : `${keys.length} keys`} (${keys.map(describeKey).join(', ')}) given with --keys` }));
  check('manifest-signature', () => {
    if (typeof job.manifest_signature !== 'string')
      throw new FormatError('the job carries no manifest_signature (a deployment without a signing key, or an export made before manifests were signed)');
    const key = verifyDetached(Buffer.from(canonicalJson(job.manifest), 'utf8'), Buffer.from(job.manifest_signature, 'utf8'), keys);
    return { detail: `the manifest of export ${String(job.manifest.export_id)} is signed by ${describeKey(key)}` };
  });
  if (input.file) {
    const file = input.file;
    check('file-sha256', () => {
      const digest = createHash('sha256').update(file).digest('hex');
      if (digest !== job.manifest.file_sha256)
        throw new FormatError(`the file's SHA-256 is ${digest}, the manifest's file_sha256 ${String(job.manifest.file_sha256)}`);
      return { detail: `the file (${file.length} bytes) is the one the signed manifest describes (SHA-256 ${digest})` };
    });
  }
  return results;
}

module.exports = { verifyExport, canonicalJson, UsageError };
