// @ts-check
'use strict';
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const { canonicalJson } = require('../src/export');
const { generateKey, jwks, signDetached } = require('./pack-fixture');

const BIN = join(__dirname, '..', 'bin', 'alert-ledger-verify.js');
const key = generateKey('alert-ledger.example/2026a');
const stranger = generateKey('alert-ledger.example/2026b');
const file = Buffer.from('id,title\nalr_1,"Brute force, ssh"\n');
let dir = '';

/**
 * GET /v1/exports/{id} of a completed export: its manifest signed over the canonical JSON, then saved with
 * the keys in another order (as PostgreSQL's jsonb gives them back).
 * @param {Record<string, unknown>} change what differs from the signed manifest in the saved answer
 */
function jobAnswer(change = {}, signer = key) {
  const manifest = {
    export_id: 'exp_01J',
    format: 'csv',
    filters: { severity: ['high', 'critical'], created_after: '2026-10-01T00:00:00.000Z' },
    time_window: { from: null, to: '2026-12-01T00:00:00.000Z' },
    row_count: 1,
    complete: true,
    incomplete_reason: null,
    data_sha256: 'a'.repeat(64),
    file_sha256: createHash('sha256').update(file).digest('hex'),
    title: 'Q4 — évidence 証拠',
  };
  const signature = signDetached(Buffer.from(canonicalJson(manifest), 'utf8'), signer)
    .toString('utf8')
    .trimEnd();
  const reordered = Object.fromEntries(Object.entries({ ...manifest, ...change }).reverse());
  return JSON.stringify({ code: 0, message: 'ok', data: { job_id: 'exp_01J', status: 'completed', manifest: reordered, manifest_signature: signature } });
}

/** @param {string[]} args */
function run(...args) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, lines: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'alert-ledger-verify-export-'));
  const files = {
    'keys.json': jwks([key]),
    'job.json': jobAnswer(),
    'changed-job.json': jobAnswer({ row_count: 2 }),
    'stranger-job.json': jobAnswer({}, stranger),
    'unsigned-job.json': JSON.stringify({ data: { ...JSON.parse(jobAnswer()).data, manifest_signature: null } }),
    'running-job.json': JSON.stringify({ data: { job_id: 'exp_01J', status: 'processing', manifest: null, manifest_signature: null } }),
    'export.csv': file,
    'changed.csv': Buffer.concat([file, Buffer.from('alr_2,forged\n')]),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alert-ledger-verify --export', () => {
  it('checks the manifest signature over its canonical JSON, whatever order the saved answer gives its keys, and the downloaded file', () => {
    const { code, lines, stderr } = run('--export', 'job.json', '--keys', 'keys.json', 'export.csv');
    expect(stderr).toBe('');
    expect(lines).toEqual([
      expect.stringMatching(/^ok keys: 1 key \(alert-ledger.example\/2026a \(kid kid-alert-ledger.example\/2026a\)\) given with --keys$/),
      'ok manifest-signature: the manifest of export exp_01J is signed by alert-ledger.example/2026a (kid kid-alert-ledger.example/2026a)',
      `ok file-sha256: the file (${file.length} bytes) is the one the signed manifest describes (SHA-256 ${createHash('sha256').update(file).digest('hex')})`,
    ]);
    expect(code).toBe(0);
    expect(run('--export', 'job.json', '--keys', 'keys.json').lines).toHaveLength(2);
  });

  it('fails a manifest changed after signing, a file the manifest does not describe, a key the auditor does not trust and a missing signature', () => {
    const changed = run('--export', 'changed-job.json', '--keys', 'keys.json', 'export.csv');
    expect(changed.lines).toContain('FAIL manifest-signature: the signature by alert-ledger.example/2026a does not verify');
    expect(changed.code).toBe(1);
    const file = run('--export', 'job.json', '--keys', 'keys.json', 'changed.csv');
    expect(file.lines.at(-1)).toMatch(/^FAIL file-sha256: the file's SHA-256 is [0-9a-f]{64}, the manifest's file_sha256 [0-9a-f]{64}$/);
    expect(file.code).toBe(1);
    const foreign = run('--export', 'stranger-job.json', '--keys', 'keys.json');
    expect(foreign.lines).toContain('FAIL manifest-signature: signed by alert-ledger.example/2026b, not a trusted key');
    expect(foreign.code).toBe(1);
    const unsigned = run('--export', 'unsigned-job.json', '--keys', 'keys.json');
    expect(unsigned.lines[1]).toMatch(/^FAIL manifest-signature: the job carries no manifest_signature/);
    expect(unsigned.code).toBe(1);
  });

  it('exits 2 without --keys, with pack options, or for a job that has not completed', () => {
    const noKeys = run('--export', 'job.json', 'export.csv');
    expect(noKeys.stderr).toMatch(/--export takes --keys/);
    expect(noKeys.lines).toEqual([]);
    expect(noKeys.code).toBe(2);
    expect(run('--export', 'job.json', '--keys', 'keys.json', '--since', 'keys.json').code).toBe(2);
    const running = run('--export', 'running-job.json', '--keys', 'keys.json');
    expect(running.stderr).toMatch(/^alert-ledger-verify: --export: no manifest: save the answer of GET \/v1\/exports\/\{id\} once the job is completed/);
    expect(running.code).toBe(2);
    expect(run('--export', 'missing.json', '--keys', 'keys.json').code).toBe(2);
  });

  it('serialises canonically: keys sorted by code unit at every level, arrays in order, no white space, undefined members left out', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }, 2], é: true, Z: undefined, e: 'é\n' })).toBe(
      '{"a":[{"c":"x","d":null},2],"b":1,"e":"é\\n","é":true}',
    );
  });
});
