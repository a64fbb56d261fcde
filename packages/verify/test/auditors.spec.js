// @ts-check
'use strict';
/**
 * README.md's "For auditors" commands, run as written (its bash blocks, in order, under `set -euo pipefail`)
 * with this machine's unzip, sha256sum, openssl, jq and coreutils, on a true pack and on forged ones.
 */
const { spawnSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const { ORIGIN, generateKey, jwks, signNote, checkpointText, makeLog, makePack, forgeManifest, consistencyAnswer, zip } = require('./pack-fixture');

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## For auditors'), readme.indexOf('## Development'));
const script = ['set -euo pipefail', ...[...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((match) => match[1])].join('\n');

const key = generateKey('alert-ledger.example/2026a');
const log = makeLog(37);
const EARLIER = 16;
let root = '';

/**
 * @param {string} name
 * @param {{ pack: Map<string, Buffer>, since?: Buffer, consistency?: Buffer }} inputs
 */
async function runByHand(name, inputs) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'pack.zip'), await zip(inputs.pack));
  writeFileSync(join(dir, 'trusted-keys.json'), jwks([key]));
  writeFileSync(join(dir, 'earlier-checkpoint.txt'), inputs.since ?? signNote(checkpointText(ORIGIN, log.leafHashes.slice(0, EARLIER)), [key]));
  writeFileSync(join(dir, 'consistency.json'), inputs.consistency ?? consistencyAnswer(log.leafHashes, EARLIER));
  const result = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  return {
    code: result.status,
    output,
    verified: output.split('Signature Verified Successfully').length - 1,
    ok: output.split('\n').filter((line) => line === 'ok').length,
  };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'alert-ledger-auditors-'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('README "For auditors"', () => {
  it('has the blocks this spec runs', () => {
    expect(script).toContain('sha256sum -c SHA256SUMS');
    expect(script).toContain('openssl pkeyutl -verify -pubin -inkey key.pem -rawin');
    expect(script).toContain('verify_consistency "$(sed -n 2p ../earlier-checkpoint.txt)"');
  });

  it('passes a true pack: SHA256SUMS, both signatures, the checkpoint, both inclusion proofs, the earlier checkpoint and the consistency proof', async () => {
    const { code, output, verified, ok } = await runByHand('true', { pack: makePack({ key, log, first: 3, last: 36 }) });
    expect(output).toContain('data.csv: OK');
    expect(output.split(': OK\n').length - 1).toBe(8);
    // SHA256SUMS.sig, manifest.json.sig, checkpoint.txt, the earlier checkpoint
    expect(verified).toBe(4);
    // two inclusion proofs, one consistency proof
    expect(ok).toBe(3);
    expect(code).toBe(0);
  });

  it("passes a pack without leaf data, and a period of one event at the log's start", async () => {
    const { code, ok } = await runByHand('no-leaf-data', { pack: makePack({ key, log, first: 0, last: 0, withLeafData: false }) });
    expect(ok).toBe(3);
    expect(code).toBe(0);
  });

  it('stops at sha256sum -c when data.csv changed', async () => {
    const pack = makePack({ key, log, first: 3, last: 36 });
    pack.set('data.csv', Buffer.from('id\nalr_forged\n'));
    const { code, output, verified } = await runByHand('data', { pack });
    expect(output).toContain('data.csv: FAILED');
    expect(verified).toBe(0);
    expect(code).not.toBe(0);
  });

  it('stops at openssl for a forged manifest whose SHA256SUMS was written and signed again', async () => {
    const { code, output, verified } = await runByHand('manifest', { pack: makePack({ key, log, first: 3, last: 36, change: forgeManifest }) });
    expect(verified).toBe(1);
    expect(output).toContain('Signature Verification Failure');
    expect(code).not.toBe(0);
  });

  it('stops at the checkpoint when a key the auditor does not trust signed it', async () => {
    const stranger = generateKey('alert-ledger.example/2026b');
    const pack = makePack({
      key,
      log,
      first: 3,
      last: 36,
      change: (f) => f.set('checkpoint.txt', signNote(checkpointText(ORIGIN, log.leafHashes), [stranger])),
    });
    const { code, output, verified } = await runByHand('checkpoint', { pack });
    expect(verified).toBe(2);
    expect(output).toContain('checkpoint.txt: signed by no trusted key');
    expect(code).not.toBe(0);
  });

  it('stops at the inclusion proofs when a hash of a path changed', async () => {
    const pack = makePack({
      key,
      log,
      first: 3,
      last: 36,
      change: (f) =>
        f.set(
          'proofs.json',
          Buffer.from(String(f.get('proofs.json')).replace(/("inclusion_path": \[\s*")(.)/, (_, start, c) => `${start}${c === 'a' ? 'b' : 'a'}`)),
        ),
    });
    const { code, output, ok } = await runByHand('inclusion', { pack });
    expect(ok).toBe(0);
    expect(output.trim().split('\n').at(-1)).toBe('FAIL');
    expect(code).not.toBe(0);
  });

  it('stops at the consistency proof when an event before the earlier checkpoint was changed since', async () => {
    const rewritten = { events: [...log.events], leafHashes: [...log.leafHashes] };
    rewritten.leafHashes[5] = makeLog(1).leafHashes[0];
    const { code, output, verified, ok } = await runByHand('consistency', {
      pack: makePack({ key, log: rewritten, first: 3, last: 36, withLeafData: false }),
      consistency: consistencyAnswer(rewritten.leafHashes, EARLIER),
    });
    expect(verified).toBe(4);
    expect(ok).toBe(2);
    expect(output.trim().split('\n').at(-1)).toBe('FAIL');
    expect(code).not.toBe(0);
  });
});
