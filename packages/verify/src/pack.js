// @ts-check
'use strict';
/**
 * The checks of an evidence pack (the layout is in README.md). Each check gives one result, passed or
 * failed with a reason; a check that needs what an earlier one rejected still runs on what it can read,
 * so the auditor sees every problem at once. Input the auditor gave us that cannot be used (an unreadable
 * --keys, --since or --consistency file, a missing consistency proof) is a UsageError instead: no result
 * can be trusted without it.
 */
const { createHash } = require('node:crypto');

const { verifyInclusion, verifyConsistency, leafHash } = require('./merkle');
const { FormatError, parseKeys, parseNote, verifyNote, parseCheckpoint, verifyDetached } = require('./note');

class UsageError extends Error {}

/** The names inside the zip that the verifier reads. */
const PACK_FILES = {
  manifest: 'manifest.json',
  manifestSignature: 'manifest.json.sig',
  sums: 'SHA256SUMS',
  sumsSignature: 'SHA256SUMS.sig',
  checkpoint: 'checkpoint.txt',
  proofs: 'proofs.json',
  keys: 'keys.json',
};
/** Files SHA256SUMS must list (besides whatever else the pack holds: report.pdf, data.csv, …). */
const MUST_BE_LISTED = [PACK_FILES.manifest, PACK_FILES.manifestSignature, PACK_FILES.checkpoint, PACK_FILES.proofs, PACK_FILES.keys];
/** SHA256SUMS cannot list itself, nor the signature over it. */
const NOT_LISTED = [PACK_FILES.sums, PACK_FILES.sumsSignature];

/**
 * @typedef {object} Result
 * @property {boolean} ok
 * @property {string} check
 * @property {string} detail the detail when ok, else the reason
 */

/**
 * @typedef {object} VerifyInput
 * @property {Map<string, Buffer>} files the zip's entries
 * @property {Buffer | null} keys the auditor's own key file (--keys), or null to use the pack's keys.json
 * @property {Buffer | null} since a checkpoint the auditor kept from earlier (--since)
 * @property {Buffer | null} consistency the answer of GET /v1/audit-trail/consistency (--consistency)
 */

/**
 * @param {VerifyInput} input
 * @returns {Result[]}
 */
function verifyPack(input) {
  const { files } = input;
  /** @type {Result[]} */
  const results = [];
  const check = record(results);
  /** @param {string} name */
  const need = (name) => {
    const data = files.get(name);
    if (!data) throw new FormatError(`the pack has no ${name}`);
    return data;
  };

  const auditorKeys = input.keys ? readInput('--keys', () => parseKeys(/** @type {Buffer} */ (input.keys))) : null;
  const since = input.since ? readInput('--since', () => readCheckpointFile(/** @type {Buffer} */ (input.since))) : null;
  const packCheckpoint = tryParse(() => parseCheckpoint(parseNote(need(PACK_FILES.checkpoint)).text));
  const consistencyPath = since && packCheckpoint ? consistencyProof(since.checkpoint.size, packCheckpoint.size, input.consistency) : [];

  const keys =
    check('keys', () => {
      if (auditorKeys) return { detail: `${describeKeys(auditorKeys)} given with --keys`, value: auditorKeys };
      const packKeys = parseKeys(need(PACK_FILES.keys));
      return {
        detail:
          `no --keys given, so ${describeKeys(packKeys)} from the pack's own keys.json: this shows the pack is whole, ` +
          'not who made it; check them against keys you obtained yourself (GET /.well-known/alert-ledger/keys) and pass those with --keys',
        value: packKeys,
      };
    }) ?? [];

  check('sha256sums', () => ({ detail: checkSums(files, need(PACK_FILES.sums)) }));
  check('sums-signature', () => ({
    detail: `SHA256SUMS signed by ${describeKey(verifyDetached(need(PACK_FILES.sums), need(PACK_FILES.sumsSignature), keys))}`,
  }));
  check('manifest-signature', () => ({
    detail: `manifest.json signed by ${describeKey(verifyDetached(need(PACK_FILES.manifest), need(PACK_FILES.manifestSignature), keys))}`,
  }));
  check('checkpoint-signature', () => {
    const { text, signers } = verifyNote(need(PACK_FILES.checkpoint), keys);
    const checkpoint = parseCheckpoint(text);
    return { detail: `${describeCheckpoint(checkpoint)}, signed by ${signers.map(describeKey).join(', ')}` };
  });
  check('inclusion', () => {
    if (!packCheckpoint) throw new FormatError('no readable checkpoint.txt to check the proofs against');
    return { detail: checkInclusion(parseJson(need(PACK_FILES.proofs), PACK_FILES.proofs), packCheckpoint) };
  });

  if (since) {
    check('since-signature', () => {
      const { signers } = verifyNote(since.note, keys);
      return { detail: `the earlier checkpoint (${describeCheckpoint(since.checkpoint)}) is signed by ${signers.map(describeKey).join(', ')}` };
    });
    check('since-origin', () => {
      if (!packCheckpoint) throw new FormatError('no readable checkpoint.txt to compare with');
      if (since.checkpoint.origin !== packCheckpoint.origin)
        throw new FormatError(`the earlier checkpoint is of "${since.checkpoint.origin}", the pack's of "${packCheckpoint.origin}"`);
      return { detail: `both checkpoints are of "${packCheckpoint.origin}"` };
    });
    check('consistency', () => {
      if (!packCheckpoint) throw new FormatError('no readable checkpoint.txt to check the proof against');
      const [m, n] = [since.checkpoint.size, packCheckpoint.size];
      if (m > n) throw new FormatError(`the log shrank: the earlier checkpoint has ${m} events, the pack's ${n}`);
      if (!verifyConsistency(m, n, since.checkpoint.root, packCheckpoint.root, consistencyPath)) {
        throw new FormatError(
          `the tree of ${m} events (root ${hex(since.checkpoint.root)}) is not a prefix of the tree of ${n} events (root ${hex(packCheckpoint.root)})`,
        );
      }
      return { detail: `the ${m} events of the earlier checkpoint are the first ${m} of the pack's ${n}, unchanged` };
    });
  }
  return results;
}

/**
 * Runs each check into `results`: its detail when it passes, its error's message when it fails (the other
 * checks still run); an unusable input (UsageError) stops them all.
 * @param {Result[]} results
 */
function record(results) {
  /**
   * @template T
   * @param {string} check
   * @param {() => { detail: string, value?: T }} run
   * @returns {T | undefined}
   */
  return (check, run) => {
    try {
      const { detail, value } = run();
      results.push({ ok: true, check, detail });
      return value;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      results.push({ ok: false, check, detail: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  };
}

/**
 * @template T
 * @param {string} option
 * @param {() => T} read
 * @returns {T}
 */
function readInput(option, read) {
  try {
    return read();
  } catch (error) {
    throw new UsageError(`${option}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * @template T
 * @param {() => T} parse
 * @returns {T | null}
 */
function tryParse(parse) {
  try {
    return parse();
  } catch {
    return null;
  }
}

/**
 * An answer of the API as saved: its members, or those of its envelope's `data` (`{code, message, data}`).
 * @param {any} body
 * @returns {any}
 */
function unwrapped(body) {
  return body !== null && typeof body === 'object' && body.data !== null && typeof body.data === 'object' ? body.data : body;
}

/**
 * A checkpoint file as the auditor kept it: the note itself (checkpoint.txt of an earlier pack) or the
 * JSON answer of GET /v1/audit-trail/checkpoints/latest, whose `note` holds it.
 * @param {Buffer} file
 */
function readCheckpointFile(file) {
  const text = file.toString('utf8');
  const note = text.trimStart().startsWith('{') ? Buffer.from(String(unwrapped(JSON.parse(text)).note ?? ''), 'utf8') : file;
  return { note, checkpoint: parseCheckpoint(parseNote(note).text) };
}

/**
 * The consistency path from size m to n, from the --consistency file (the JSON answer of
 * GET /v1/audit-trail/consistency?first=m&second=n). Sizes that need no proof need no file.
 * @param {number} m
 * @param {number} n
 * @param {Buffer | null} file
 * @returns {Buffer[]}
 */
function consistencyProof(m, n, file) {
  if (!file) {
    if (m === 0 || m >= n) return [];
    throw new UsageError(
      `--since: the earlier checkpoint has ${m} events and the pack's ${n}; fetch the proof between them with ` +
        `GET /v1/audit-trail/consistency?first=${m}&second=${n} and pass the answer with --consistency`,
    );
  }
  return readInput('--consistency', () => {
    const body = unwrapped(parseJson(file, 'the file'));
    for (const [field, size] of /** @type {const} */ ([
      ['first', m],
      ['second', n],
    ])) {
      if (body[field] !== undefined && body[field] !== size)
        throw new FormatError(`the proof is for ${field}=${body[field]}, this check needs ${field}=${size}`);
    }
    return hashList(body.consistency_path, 'consistency_path');
  });
}

/**
 * @param {unknown} list
 * @param {string} field
 * @returns {Buffer[]}
 */
function hashList(list, field) {
  if (!Array.isArray(list)) throw new FormatError(`${field} is not a list`);
  return list.map((item) => hash(item, field));
}

/**
 * @param {unknown} value
 * @param {string} field
 * @returns {Buffer} 32 bytes from 64 lowercase hex digits
 */
function hash(value, field) {
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw new FormatError(`${field}: not a SHA-256 hash in lowercase hex`);
  return Buffer.from(value, 'hex');
}

/** @param {Buffer} bytes */
const hex = (bytes) => bytes.toString('hex');

/**
 * @param {Buffer} file
 * @param {string} name
 * @returns {any}
 */
function parseJson(file, name) {
  try {
    return JSON.parse(file.toString('utf8'));
  } catch {
    throw new FormatError(`${name} is not JSON`);
  }
}

/**
 * SHA256SUMS as `sha256sum -c` reads it: every line `<hex digest>  <name>` (or ` *<name>`), every listed
 * file in the zip with that digest, every file of the zip listed but SHA256SUMS and its signature.
 * @param {Map<string, Buffer>} files
 * @param {Buffer} sums
 * @returns {string}
 */
function checkSums(files, sums) {
  const text = sums.toString('utf8');
  if (!text.endsWith('\n')) throw new FormatError('SHA256SUMS does not end with a newline');
  /** @type {Set<string>} */
  const listed = new Set();
  /** @type {string[]} */
  const problems = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new FormatError(`SHA256SUMS has a line that is not "<sha256>  <name>": ${line.slice(0, 80)}`);
    const [, digest, name] = match;
    if (listed.has(name)) throw new FormatError(`SHA256SUMS lists ${name} twice`);
    listed.add(name);
    const data = files.get(name);
    if (!data) problems.push(`${name} is missing`);
    else if (createHash('sha256').update(data).digest('hex') !== digest) problems.push(`${name} does not match`);
  }
  for (const name of MUST_BE_LISTED) if (!listed.has(name)) problems.push(`${name} is not listed`);
  for (const name of files.keys()) if (!listed.has(name) && !NOT_LISTED.includes(name)) problems.push(`${name} is in the zip but not listed`);
  for (const name of NOT_LISTED) if (listed.has(name)) problems.push(`${name} cannot be listed in itself`);
  if (problems.length > 0) throw new FormatError(problems.join('; '));
  return `${listed.size} files listed, all present and matching, nothing unlisted`;
}

/**
 * @typedef {object} LeafProof
 * @property {string} event_id
 * @property {number} leaf_index
 * @property {string} leaf_hash
 * @property {string[]} inclusion_path
 * @property {string} [leaf_data] base64 of the leaf's bytes (the canonical event), when the pack carries them
 */

/**
 * proofs.json against the checkpoint: the same tree, and the first and last events of the period in it.
 * @param {{ tree_size: unknown, root_hash: unknown, first: LeafProof | null, last: LeafProof | null }} proofs
 * @param {import('./note').Checkpoint} checkpoint
 * @returns {string}
 */
function checkInclusion(proofs, checkpoint) {
  if (proofs.tree_size !== checkpoint.size) throw new FormatError(`proofs.json is for tree size ${proofs.tree_size}, the checkpoint's is ${checkpoint.size}`);
  if (!hash(proofs.root_hash, 'root_hash').equals(checkpoint.root))
    throw new FormatError(`proofs.json is for another root hash than the checkpoint's (${hex(checkpoint.root)})`);
  if (proofs.first === null && proofs.last === null) return 'the period has no audit events (first and last are null)';
  if (!proofs.first || !proofs.last) throw new FormatError('proofs.json needs both first and last (or both null when the period has no events)');
  /** @type {string[]} */
  const proven = [];
  for (const [which, proof] of /** @type {const} */ ([
    ['first', proofs.first],
    ['last', proofs.last],
  ])) {
    const leaf = hash(proof.leaf_hash, `${which}.leaf_hash`);
    if (proof.leaf_data !== undefined && (typeof proof.leaf_data !== 'string' || !leafHash(Buffer.from(proof.leaf_data, 'base64')).equals(leaf))) {
      throw new FormatError(`${which} (event ${proof.event_id}): leaf_hash is not the hash of leaf_data`);
    }
    if (!verifyInclusion(proof.leaf_index, checkpoint.size, leaf, hashList(proof.inclusion_path, `${which}.inclusion_path`), checkpoint.root)) {
      throw new FormatError(`${which} (event ${proof.event_id}): the inclusion proof for leaf ${proof.leaf_index} does not lead to the checkpoint's root`);
    }
    proven.push(`${which} event ${proof.event_id} at leaf ${proof.leaf_index}`);
  }
  if (proofs.first.leaf_index > proofs.last.leaf_index) throw new FormatError('the first event comes after the last');
  return `${proven.join(' and ')} are in the tree of ${checkpoint.size}`;
}

/** @param {import('./note').Checkpoint} checkpoint */
function describeCheckpoint(checkpoint) {
  return `"${checkpoint.origin}", tree size ${checkpoint.size}, root ${hex(checkpoint.root)}`;
}

/** @param {import('./note').PublicKey} key */
function describeKey(key) {
  return key.kid ? `${key.name} (kid ${key.kid})` : key.name;
}

/** @param {import('./note').PublicKey[]} keys */
function describeKeys(keys) {
  return `${keys.length === 1 ? '1 key' : `${keys.length} keys`} (${keys.map(describeKey).join(', ')})`;
}

module.exports = { verifyPack, UsageError, PACK_FILES, readInput, unwrapped, parseJson, describeKey, record };
