// @ts-check
'use strict';
const { verifyPack, UsageError } = require('../src/pack');
const {
  ORIGIN,
  generateKey,
  jwks,
  signNote,
  checkpointText,
  makeLog,
  makePack,
  forgeManifest,
  consistencyAnswer,
  sha256sums,
  signDetached,
} = require('./pack-fixture');
const { mth } = require('./reference-tree');

const key = generateKey('alert-ledger.example/2026a');
const otherKey = generateKey('alert-ledger.example');
const log = makeLog(40);
/** The log as it was when the auditor kept its checkpoint: the first 23 events. */
const EARLIER = 23;
const earlierCheckpoint = signNote(checkpointText(ORIGIN, log.leafHashes.slice(0, EARLIER)), [key]);

/**
 * @param {Map<string, Buffer>} files
 * @param {{ keys?: Buffer, since?: Buffer, consistency?: Buffer }} [options]
 */
function verify(files, options = {}) {
  return verifyPack({ files, keys: options.keys ?? null, since: options.since ?? null, consistency: options.consistency ?? null });
}

/** @param {ReturnType<typeof verify>} results @returns {string[]} the failed checks */
const failed = (results) => results.filter((r) => !r.ok).map((r) => r.check);

/** @param {ReturnType<typeof verify>} results @param {string} check */
const reason = (results, check) => results.find((r) => r.check === check)?.detail;

describe('verifyPack', () => {
  it('passes every check of a true pack, naming the keys, the checkpoint and the events proven', () => {
    const results = verify(makePack({ key, log, first: 7, last: 31 }), { keys: jwks([key, otherKey]) });
    expect(results.map((r) => `${r.ok} ${r.check}`)).toEqual([
      'true keys',
      'true sha256sums',
      'true sums-signature',
      'true manifest-signature',
      'true checkpoint-signature',
      'true inclusion',
    ]);
    expect(reason(results, 'keys')).toContain('given with --keys');
    expect(reason(results, 'checkpoint-signature')).toContain(`"${ORIGIN}", tree size 40`);
    expect(reason(results, 'checkpoint-signature')).toContain('signed by alert-ledger.example/2026a (kid kid-alert-ledger.example/2026a)');
    expect(reason(results, 'inclusion')).toBe('first event aud_0007 at leaf 7 and last event aud_0031 at leaf 31 are in the tree of 40');
  });

  it('says so when it trusts the keys the pack carries itself', () => {
    const results = verify(makePack({ key, log, first: 0, last: 39 }));
    expect(failed(results)).toEqual([]);
    expect(reason(results, 'keys')).toMatch(/^no --keys given, so 1 key .* from the pack's own keys.json: this shows the pack is whole, not who made it/);
  });

  it('passes a pack whose period is one event, and whose proofs carry no leaf data', () => {
    expect(failed(verify(makePack({ key, log, first: 39, last: 39, withLeafData: false })))).toEqual([]);
  });

  it('fails sha256sums when data.csv changed after SHA256SUMS was written', () => {
    const files = makePack({ key, log, first: 7, last: 31 });
    files.set('data.csv', Buffer.from('id,severity,title\nalr_1,low,Disk full\n'));
    const results = verify(files);
    expect(failed(results)).toEqual(['sha256sums']);
    expect(reason(results, 'sha256sums')).toBe('data.csv does not match');
  });

  it('fails the signature over SHA256SUMS when data.csv and SHA256SUMS were both written again without the key', () => {
    const files = makePack({ key, log, first: 7, last: 31 });
    const genuineSignature = files.get('SHA256SUMS.sig');
    const forged = makePack({ key, log, first: 7, last: 31, change: (f) => f.set('data.csv', Buffer.from('id\nalr_9\n')) });
    forged.set('SHA256SUMS.sig', /** @type {Buffer} */ (genuineSignature));
    const results = verify(forged);
    expect(failed(results)).toEqual(['sums-signature']);
    expect(reason(results, 'sums-signature')).toBe('the signature by alert-ledger.example/2026a does not verify');
  });

  it('fails the manifest signature for a forged manifest, even with SHA256SUMS written again and signed', () => {
    const results = verify(makePack({ key, log, first: 7, last: 31, change: forgeManifest }));
    expect(failed(results)).toEqual(['manifest-signature']);
    expect(reason(results, 'manifest-signature')).toBe('the signature by alert-ledger.example/2026a does not verify');
  });

  it('fails a manifest signed by a key that is not trusted', () => {
    const files = makePack({
      key,
      log,
      first: 7,
      last: 31,
      change: (f) => f.set('manifest.json.sig', signDetached(/** @type {Buffer} */ (f.get('manifest.json')), otherKey)),
    });
    const results = verify(files);
    expect(failed(results)).toEqual(['manifest-signature']);
    expect(reason(results, 'manifest-signature')).toBe('signed by alert-ledger.example, not a trusted key');
  });

  it('fails a checkpoint signed by a key the pack does not publish', () => {
    const files = makePack({
      key,
      log,
      first: 7,
      last: 31,
      change: (f) => f.set('checkpoint.txt', signNote(checkpointText(ORIGIN, log.leafHashes), [otherKey])),
    });
    const results = verify(files);
    expect(failed(results)).toEqual(['checkpoint-signature']);
    expect(reason(results, 'checkpoint-signature')).toBe('signed by no trusted key (signatures by: alert-ledger.example)');
  });

  it('fails every signature of a pack made whole by a forger with their own key when the auditor gives the true keys', () => {
    const forged = makePack({ key: otherKey, log, first: 7, last: 31 });
    expect(failed(verify(forged))).toEqual([]);
    const results = verify(forged, { keys: jwks([key]) });
    expect(failed(results)).toEqual(['sums-signature', 'manifest-signature', 'checkpoint-signature']);
  });

  it('fails a checkpoint whose signature by a trusted key does not verify, though another trusted key signed it too', () => {
    const note = String(signNote(checkpointText(ORIGIN, log.leafHashes), [otherKey, key]));
    // The 20th base64 character is in the signature, past the 4-byte key hash: the key is still known.
    const broken = note.replace(/(\u2014 alert-ledger\.example\/2026a .{19})(.)/, (_, start, c) => `${start}${c === 'A' ? 'B' : 'A'}`);
    expect(broken).not.toBe(note);
    const files = makePack({ key, log, first: 7, last: 31, change: (f) => f.set('checkpoint.txt', Buffer.from(broken)) });
    const results = verify(files, { keys: jwks([key, otherKey]) });
    expect(failed(results)).toEqual(['checkpoint-signature']);
    expect(reason(results, 'checkpoint-signature')).toBe('the signature by alert-ledger.example/2026a does not verify');
  });

  it('fails the inclusion check for a proof with one byte changed, another leaf, another index or another tree', () => {
    /** @param {(proofs: any) => void} edit */
    const withProofs = (edit) =>
      makePack({
        key,
        log,
        first: 7,
        last: 31,
        change: (f) => {
          const proofs = JSON.parse(String(f.get('proofs.json')));
          edit(proofs);
          f.set('proofs.json', Buffer.from(JSON.stringify(proofs)));
        },
      });
    const flip = (/** @type {string} */ h) => `${h.slice(0, 10)}${h[10] === '0' ? '1' : '0'}${h.slice(11)}`;
    const cases = {
      path: withProofs((p) => (p.last.inclusion_path[2] = flip(p.last.inclusion_path[2]))),
      leaf: withProofs((p) => {
        p.first.leaf_hash = log.leafHashes[8].toString('hex');
        delete p.first.leaf_data;
      }),
      leafData: withProofs((p) => (p.first.leaf_data = Buffer.from('{"id":"aud_0007","forged":true}').toString('base64'))),
      index: withProofs((p) => (p.first.leaf_index = 6)),
      size: withProofs((p) => (p.tree_size = 41)),
      root: withProofs((p) => (p.root_hash = flip(p.root_hash))),
      order: withProofs((p) => ([p.first, p.last] = [p.last, p.first])),
      missing: withProofs((p) => (p.last = null)),
    };
    const reasons = Object.fromEntries(
      Object.entries(cases).map(([name, files]) => {
        const results = verify(files);
        expect(failed(results)).toEqual(['inclusion']);
        return [name, reason(results, 'inclusion')];
      }),
    );
    expect(reasons).toEqual({
      path: "last (event aud_0031): the inclusion proof for leaf 31 does not lead to the checkpoint's root",
      leaf: "first (event aud_0007): the inclusion proof for leaf 7 does not lead to the checkpoint's root",
      leafData: 'first (event aud_0007): leaf_hash is not the hash of leaf_data',
      index: "first (event aud_0007): the inclusion proof for leaf 6 does not lead to the checkpoint's root",
      size: "proofs.json is for tree size 41, the checkpoint's is 40",
      root: expect.stringMatching(/^proofs.json is for another root hash than the checkpoint's/),
      order: 'the first event comes after the last',
      missing: 'proofs.json needs both first and last (or both null when the period has no events)',
    });
  });

  it('fails sha256sums for a file the zip holds but SHA256SUMS does not list, and for a required file left out', () => {
    const extra = makePack({ key, log, first: 7, last: 31 });
    extra.set('notes.txt', Buffer.from('unlisted\n'));
    expect(reason(verify(extra), 'sha256sums')).toBe('notes.txt is in the zip but not listed');

    const files = makePack({ key, log, first: 7, last: 31, change: (f) => f.delete('proofs.json') });
    const results = verify(files);
    expect(failed(results)).toEqual(['sha256sums', 'inclusion']);
    expect(reason(results, 'sha256sums')).toBe('proofs.json is not listed');
    expect(reason(results, 'inclusion')).toBe('the pack has no proofs.json');
  });

  it('fails the inclusion check, and only it, for a proofs.json that is not JSON', () => {
    const results = verify(makePack({ key, log, first: 7, last: 31, change: (f) => f.set('proofs.json', Buffer.from('{"tree_size": 40,')) }));
    expect(failed(results)).toEqual(['inclusion']);
    expect(reason(results, 'inclusion')).toBe('proofs.json is not JSON');
  });

  it('fails sha256sums for a listed file the zip does not hold', () => {
    const files = makePack({ key, log, first: 7, last: 31 });
    files.delete('report.pdf');
    expect(reason(verify(files), 'sha256sums')).toBe('report.pdf is missing');
  });

  describe('with --since', () => {
    it("passes when the earlier checkpoint is a prefix of the pack's, given the consistency proof", () => {
      const results = verify(makePack({ key, log, first: 7, last: 31 }), {
        keys: jwks([key]),
        since: earlierCheckpoint,
        consistency: consistencyAnswer(log.leafHashes, EARLIER),
      });
      expect(failed(results)).toEqual([]);
      expect(results.slice(-3).map((r) => `${r.check}: ${r.detail}`)).toEqual([
        `since-signature: the earlier checkpoint ("${ORIGIN}", tree size 23, root ${mth(log.leafHashes.slice(0, EARLIER)).toString('hex')}) is signed by alert-ledger.example/2026a (kid kid-alert-ledger.example/2026a)`,
        `since-origin: both checkpoints are of "${ORIGIN}"`,
        "consistency: the 23 events of the earlier checkpoint are the first 23 of the pack's 40, unchanged",
      ]);
    });

    it('accepts the earlier checkpoint as the JSON answer of GET /v1/audit-trail/checkpoints/latest', () => {
      const answer = Buffer.from(JSON.stringify({ note: String(earlierCheckpoint), tree_size: EARLIER }));
      expect(failed(verify(makePack({ key, log, first: 7, last: 31 }), { since: answer, consistency: consistencyAnswer(log.leafHashes, EARLIER) }))).toEqual(
        [],
      );
    });

    it("needs no proof when the earlier checkpoint is the pack's own", () => {
      const files = makePack({ key, log, first: 7, last: 31 });
      expect(failed(verify(files, { since: /** @type {Buffer} */ (files.get('checkpoint.txt')) }))).toEqual([]);
    });

    it('fails consistency when an event before the earlier size was changed since', () => {
      const rewritten = { events: [...log.events], leafHashes: [...log.leafHashes] };
      rewritten.leafHashes[12] = makeLog(1).leafHashes[0];
      const files = makePack({ key, log: rewritten, first: 7, last: 31 });
      // The log's own pack still passes; only the checkpoint the auditor kept shows the change.
      expect(failed(verify(files))).toEqual([]);
      const results = verify(files, { since: earlierCheckpoint, consistency: consistencyAnswer(rewritten.leafHashes, EARLIER) });
      expect(failed(results)).toEqual(['consistency']);
      expect(reason(results, 'consistency')).toMatch(/^the tree of 23 events \(root [0-9a-f]{64}\) is not a prefix of the tree of 40 events/);
    });

    it("fails consistency when the log shrank, and since-origin for another log's checkpoint", () => {
      const bigger = makeLog(41);
      const later = signNote(checkpointText(ORIGIN, bigger.leafHashes), [key]);
      expect(reason(verify(makePack({ key, log, first: 7, last: 31 }), { since: later }), 'consistency')).toBe(
        "the log shrank: the earlier checkpoint has 41 events, the pack's 40",
      );
      const elsewhere = signNote(checkpointText('alert-ledger.example/tenant/ten_OTHER', log.leafHashes.slice(0, EARLIER)), [key]);
      const results = verify(makePack({ key, log, first: 7, last: 31 }), { since: elsewhere, consistency: consistencyAnswer(log.leafHashes, EARLIER) });
      expect(failed(results)).toEqual(['since-origin']);
    });

    it('fails since-signature for an earlier checkpoint signed by a key that is not trusted', () => {
      const forged = signNote(checkpointText(ORIGIN, log.leafHashes.slice(0, EARLIER)), [otherKey]);
      const results = verify(makePack({ key, log, first: 7, last: 31 }), { since: forged, consistency: consistencyAnswer(log.leafHashes, EARLIER) });
      expect(failed(results)).toEqual(['since-signature']);
    });

    it('refuses to run without the consistency proof it needs, naming the request that fetches it', () => {
      expect(() => verify(makePack({ key, log, first: 7, last: 31 }), { since: earlierCheckpoint })).toThrow(
        new UsageError(
          "--since: the earlier checkpoint has 23 events and the pack's 40; fetch the proof between them with GET /v1/audit-trail/consistency?first=23&second=40 and pass the answer with --consistency",
        ),
      );
    });

    it('refuses a consistency proof for other sizes, and unreadable --since and --keys files', () => {
      const files = makePack({ key, log, first: 7, last: 31 });
      expect(() => verify(files, { since: earlierCheckpoint, consistency: consistencyAnswer(log.leafHashes, 22) })).toThrow(
        '--consistency: the proof is for first=22, this check needs first=23',
      );
      expect(() => verify(files, { since: Buffer.from('not a checkpoint\n') })).toThrow(/^--since: /);
      expect(() => verify(files, { keys: Buffer.from('{"keys": []}') })).toThrow('--keys: no keys');
    });
  });

  it('lists SHA256SUMS in the format sha256sum writes', () => {
    const files = new Map([['a b.txt', Buffer.from('x')]]);
    expect(String(sha256sums(files, ['a b.txt']))).toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  a b.txt\n');
  });
});
