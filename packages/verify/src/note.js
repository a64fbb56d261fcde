// @ts-check
'use strict';
/**
 * Ed25519 keys, C2SP signed notes (https://c2sp.org/signed-note), C2SP checkpoints
 * (https://c2sp.org/tlog-checkpoint) and the detached signature files of an evidence pack.
 */
const { createHash, createPublicKey, verify } = require('node:crypto');

class FormatError extends Error {}

/** The signature type byte of Ed25519 in signed notes. */
const ED25519_TYPE = 0x01;
/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const DASH = '\u2014';

/**
 * @typedef {object} PublicKey
 * @property {string} name the note key name
 * @property {string | null} kid the JWKS key id, when the key came from a JWKS
 * @property {Buffer} raw the 32-byte Ed25519 public key
 * @property {Buffer} hash the note key hash: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw)
 * @property {import('node:crypto').KeyObject} key
 */

/**
 * @param {string} name
 * @returns {boolean} whether it is a valid note key name: not empty, no white space, no "+"
 */
function isKeyName(name) {
  return name.length > 0 && !/[\s+]/u.test(name);
}

/**
 * @param {string} name
 * @param {Buffer} raw
 * @returns {Buffer}
 */
function noteKeyHash(name, raw) {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519_TYPE]))
    .update(raw)
    .digest()
    .subarray(0, 4);
}

/**
 * @param {string} name
 * @param {string | null} kid
 * @param {Buffer} raw
 * @returns {PublicKey}
 */
function publicKey(name, kid, raw) {
  if (!isKeyName(name)) throw new FormatError(`"${name}" is not a note key name (not empty, no spaces, no "+")`);
  if (raw.length !== 32) throw new FormatError(`the key ${name} is not 32 bytes long`);
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  return { name, kid, raw, hash: noteKeyHash(name, raw), key };
}

/**
 * @param {unknown} value
 * @returns {Buffer | null} the bytes of strict base64url without padding, or null
 */
function base64url(value) {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.toString('base64url') === value ? bytes : null;
}

/**
 * @param {string} value
 * @returns {Buffer | null} the bytes of strict (padded, canonical) standard base64, or null
 */
function base64(value) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : null;
}

/**
 * Public keys from either a JWKS ({"keys": [{kty: "OKP", crv: "Ed25519", x, kid, note_key_name}]}, as the
 * pack's keys.json and GET /.well-known/alert-ledger/keys hold them) or C2SP verifier keys, one a line
 * (`<name>+<8 hex digits of key hash>+<base64(0x01 ‖ key)>`), as other transparency-log tools write them.
 * @param {Buffer} file
 * @returns {PublicKey[]}
 */
function parseKeys(file) {
  const text = file.toString('utf8').trim();
  /** @type {PublicKey[]} */
  const keys = text.startsWith('{') ? parseJwks(text) : text.split('\n').map((line) => parseVerifierKey(line.trim()));
  if (keys.length === 0) throw new FormatError('no keys');
  return keys;
}

/**
 * @param {string} text
 * @returns {PublicKey[]}
 */
function parseJwks(text) {
  /** @type {unknown} */
  let jwks;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new FormatError('not JSON');
  }
  const list = jwks && typeof jwks === 'object' && 'keys' in jwks ? jwks.keys : null;
  if (!Array.isArray(list)) throw new FormatError('not a JWKS (no "keys" list)');
  return list.map((jwk, i) => {
    if (!jwk || typeof jwk !== 'object' || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new FormatError(`key ${i + 1} is not an OKP/Ed25519 key`);
    if (typeof jwk.note_key_name !== 'string') throw new FormatError(`key ${i + 1} has no note_key_name`);
    const raw = base64url(jwk.x);
    if (!raw) throw new FormatError(`key ${i + 1}: x is not base64url`);
    return publicKey(jwk.note_key_name, typeof jwk.kid === 'string' ? jwk.kid : null, raw);
  });
}

/**
 * @param {string} line
 * @returns {PublicKey}
 */
function parseVerifierKey(line) {
  // The name has no "+", the key hash is hex; base64 may hold "+" of its own.
  const match = /^([^+]+)\+([0-9a-f]{8})\+(\S+)$/.exec(line);
  const bytes = match ? base64(match[3]) : null;
  if (!match || !bytes || bytes[0] !== ED25519_TYPE) throw new FormatError(`not an Ed25519 verifier key: ${line.slice(0, 80)}`);
  const [, name, hash] = match;
  const key = publicKey(name, null, bytes.subarray(1));
  if (key.hash.toString('hex') !== hash) throw new FormatError(`the verifier key ${name} has the wrong key hash`);
  return key;
}

/**
 * @typedef {object} NoteSignature
 * @property {string} name
 * @property {Buffer} hash the 4-byte key hash
 * @property {Buffer} signature
 */

/**
 * A signed note split into its text (the signed message, ending in a newline) and signature lines.
 * @param {Buffer} file
 * @returns {{ text: string, signatures: NoteSignature[] }}
 */
function parseNote(file) {
  /** @type {string} */
  let note;
  try {
    note = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw new FormatError('a signed note is UTF-8 text, this is not');
  }
  if (note.includes('\r')) throw new FormatError('a signed note has no carriage returns');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new FormatError('not a signed note (text, a blank line, signature lines)');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = new RegExp(`^${DASH} (\\S+) (\\S+)$`).exec(line);
      const bytes = match ? base64(match[2]) : null;
      if (!match || !bytes || bytes.length < 5 || !isKeyName(match[1])) throw new FormatError(`not a signature line: ${line.slice(0, 80)}`);
      return { name: match[1], hash: bytes.subarray(0, 4), signature: bytes.subarray(4) };
    });
  return { text, signatures };
}

/**
 * Verifies a signed note as C2SP says: signatures by keys we do not know are passed over, a signature
 * by a known key (same name and key hash) that does not verify rejects the note, and at least one known
 * key must have signed it.
 * @param {Buffer} file
 * @param {PublicKey[]} keys the trusted keys
 * @returns {{ text: string, signers: PublicKey[], unknown: string[] }}
 */
function verifyNote(file, keys) {
  const { text, signatures } = parseNote(file);
  /** @type {PublicKey[]} */
  const signers = [];
  /** @type {string[]} */
  const unknown = [];
  for (const signature of signatures) {
    const key = keys.find((k) => k.name === signature.name && k.hash.equals(signature.hash));
    if (!key) {
      unknown.push(signature.name);
      continue;
    }
    if (signature.signature.length !== 64 || !verify(null, Buffer.from(text, 'utf8'), key.key, signature.signature))
      throw new FormatError(`the signature by ${key.name} does not verify`);
    signers.push(key);
  }
  if (signers.length === 0) throw new FormatError(`signed by no trusted key (signatures by: ${signatures.map((s) => s.name).join(', ')})`);
  return { text, signers, unknown };
}

/**
 * @typedef {object} Checkpoint
 * @property {string} origin
 * @property {number} size
 * @property {Buffer} root
 * @property {string[]} extensions
 */

/**
 * The checkpoint a note's text holds: origin line, decimal tree size, base64 root hash, then optional
 * extension lines.
 * @param {string} text
 * @returns {Checkpoint}
 */
function parseCheckpoint(text) {
  const lines = text.split('\n').slice(0, -1);
  if (lines.length < 3) throw new FormatError('a checkpoint has at least three lines: origin, tree size, root hash');
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  if (origin === '') throw new FormatError('the checkpoint has an empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new FormatError(`the tree size is not a decimal number: ${sizeLine.slice(0, 40)}`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new FormatError(`the tree size ${sizeLine} is larger than this verifier counts (2^53 - 1)`);
  const root = base64(rootLine);
  if (!root || root.length !== 32) throw new FormatError('the root hash is not 32 bytes of base64');
  if (extensions.some((line) => line === '')) throw new FormatError('the checkpoint has an empty extension line');
  return { origin, size, root, extensions };
}

/**
 * A detached signature file: one line `<key name> <base64 of the 64-byte Ed25519 signature>`.
 * @param {Buffer} signed the exact bytes signed
 * @param {Buffer} file
 * @param {PublicKey[]} keys the trusted keys
 * @returns {PublicKey} the key that signed
 */
function verifyDetached(signed, file, keys) {
  const match = /^(\S+) ([A-Za-z0-9+/=]+)\n?$/.exec(file.toString('utf8'));
  const signature = match ? base64(match[2]) : null;
  if (!match || !signature || signature.length !== 64) throw new FormatError('not one line "<key name> <base64 Ed25519 signature>"');
  // The line names the key but carries no key hash: any trusted key of that name may have signed.
  const named = keys.filter((k) => k.name === match[1]);
  if (named.length === 0) throw new FormatError(`signed by ${match[1]}, not a trusted key`);
  const key = named.find((k) => verify(null, signed, k.key, signature));
  if (!key) throw new FormatError(`the signature by ${match[1]} does not verify`);
  return key;
}

module.exports = { FormatError, parseKeys, parseNote, verifyNote, parseCheckpoint, verifyDetached, noteKeyHash, ED25519_SPKI_PREFIX };
