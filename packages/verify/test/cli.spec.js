// @ts-check
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const { ORIGIN, generateKey, jwks, signNote, checkpointText, makeLog, makePack, consistencyAnswer, zip } = require('./pack-fixture');

const BIN = join(__dirname, '..', 'bin', 'alert-ledger-verify.js');
const key = generateKey('alert-ledger.example/2026a');
const stranger = generateKey('alert-ledger.example/2026b');
const log = makeLog(30);
let dir = '';

/** @param {string[]} args */
function run(...args) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, lines: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alert-ledger-verify-'));
  const files = {
    'pack.zip': await zip(makePack({ key, log, first: 4, last: 25 })),
    'forged.zip': await zip(new Map([...makePack({ key, log, first: 4, last: 25 }), ['data.csv', Buffer.from('id\nalr_forged\n')]])),
    'stranger.zip': await zip(makePack({ key: stranger, log, first: 4, last: 25 })),
    'zip64.zip': await zip(makePack({ key, log, first: 4, last: 25 }), { forceZip64Format: true }),
    'keys.json': jwks([key]),
    'earlier.txt': signNote(checkpointText(ORIGIN, log.leafHashes.slice(0, 11)), [key]),
    'consistency.json': consistencyAnswer(log.leafHashes, 11),
    // A proof from another log of the same sizes.
    'wrong-consistency.json': consistencyAnswer(makeLog(30).leafHashes, 11),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alert-ledger-verify', () => {
  it("prints one ok line a check and exits 0 for a true pack checked against the auditor's keys and earlier checkpoint", () => {
    const { code, lines, stderr } = run('pack.zip', '--keys', 'keys.json', '--since', 'earlier.txt', '--consistency', 'consistency.json');
    expect(stderr).toBe('');
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'ok keys',
      'ok sha256sums',
      'ok sums-signature',
      'ok manifest-signature',
      'ok checkpoint-signature',
      'ok inclusion',
      'ok since-signature',
      'ok since-origin',
      'ok consistency',
    ]);
    expect(code).toBe(0);
  });

  it('exits 1 with a FAIL line for a pack whose data.csv changed', () => {
    const { code, lines } = run('forged.zip');
    expect(lines).toContain('FAIL sha256sums: data.csv does not match');
    expect(lines.filter((line) => line.startsWith('FAIL'))).toHaveLength(1);
    expect(code).toBe(1);
  });

  it('exits 1 for a pack signed by a key the auditor does not trust, though its own keys.json vouches for it', () => {
    expect(run('stranger.zip').code).toBe(0);
    const { code, lines } = run('stranger.zip', '--keys=keys.json');
    expect(lines.filter((line) => line.startsWith('FAIL')).map((line) => line.split(':')[0])).toEqual([
      'FAIL sums-signature',
      'FAIL manifest-signature',
      'FAIL checkpoint-signature',
    ]);
    expect(code).toBe(1);
  });

  it("exits 1 when the consistency proof does not tie the earlier checkpoint to the pack's", () => {
    const { code, lines } = run('pack.zip', '--since', 'earlier.txt', '--consistency', 'wrong-consistency.json');
    expect(lines.at(-1)).toMatch(/^FAIL consistency: the tree of 11 events \(root [0-9a-f]{64}\) is not a prefix of the tree of 30 events/);
    expect(code).toBe(1);
  });

  it('exits 2 without check lines when it needs a consistency proof, naming the request for it', () => {
    const { code, lines, stderr } = run('pack.zip', '--since', 'earlier.txt');
    expect(lines).toEqual([]);
    expect(stderr).toContain('GET /v1/audit-trail/consistency?first=11&second=30');
    expect(code).toBe(2);
  });

  it('exits 2 for a command line or input it cannot use', () => {
    const cases = {
      none: run(),
      two: run('pack.zip', 'forged.zip'),
      unknownOption: run('pack.zip', '--key', 'keys.json'),
      missingFile: run('missing.zip'),
      notZip: run('keys.json'),
      zip64: run('zip64.zip'),
      consistencyAlone: run('pack.zip', '--consistency', 'consistency.json'),
      unreadableKeys: run('pack.zip', '--keys', 'consistency.json'),
    };
    expect(Object.fromEntries(Object.entries(cases).map(([name, result]) => [name, [result.code, result.lines.length]]))).toEqual(
      Object.fromEntries(Object.keys(cases).map((name) => [name, [2, 0]])),
    );
    expect(cases.zip64.stderr).toBe('alert-ledger-verify: zip64 archives are not supported\n');
    expect(cases.notZip.stderr).toBe('alert-ledger-verify: not a zip file (no end of central directory record)\n');
    expect(cases.missingFile.stderr).toMatch(/^alert-ledger-verify: ENOENT: no such file or directory/);
    expect(cases.unknownOption.stderr).toContain('usage: alert-ledger-verify pack.zip');
  });

  it('prints its usage and exits 0 for --help', () => {
    const { code, lines } = run('--help');
    expect(lines[0]).toBe('usage: alert-ledger-verify pack.zip [--keys keys.json] [--since earlier-checkpoint.txt] [--consistency proof.json]');
    expect(code).toBe(0);
  });
});
