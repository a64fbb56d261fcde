/**
 * Issue 16: the offline verifier (packages/verify) on an evidence pack of 50,000 rows. The files have the
 * sizes of the exports suite's 50,000-row files (CSV 38.6 MB, PDF 11.4 MB) with made-up contents (CSV rows
 * of alert-like text, a PDF of random bytes, which deflate cannot shrink, as a PDF's compressed streams),
 * the audit log has 50,000 events, and the pack is written by yazl as the server writes it. The command
 * is timed as an auditor runs it: a fresh node process with --keys, --since and --consistency.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { machine, writeSection } from './report';

// The verifier and its test fixture are plain JavaScript outside the TypeScript project.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fixture = require('../packages/verify/test/pack-fixture') as PackFixture;

interface PackFixture {
  ORIGIN: string;
  generateKey(name: string): unknown;
  jwks(keys: unknown[]): Buffer;
  signNote(text: string, keys: unknown[]): Buffer;
  checkpointText(origin: string, leafHashes: Buffer[]): string;
  makeLog(size: number): { events: Buffer[]; leafHashes: Buffer[] };
  makePack(options: {
    key: unknown;
    log: { events: Buffer[]; leafHashes: Buffer[] };
    first: number;
    last: number;
    change?: (files: Map<string, Buffer>) => void;
  }): Map<string, Buffer>;
  consistencyAnswer(leafHashes: Buffer[], m: number): Buffer;
  zip(files: Iterable<[string, Buffer]>): Promise<Buffer>;
}

const ROWS = 50_000;
const CSV_BYTES = 38.6e6;
const PDF_BYTES = 11.4e6;
const RUNS = 5;
const BIN = join(__dirname, '..', 'packages', 'verify', 'bin', 'alert-ledger-verify.js');

function csv(): Buffer {
  const words = ['disk', 'full', 'on', 'db-01', 'door', 'open', 'camera', 'offline', 'latency', 'high', 'failed', 'login', 'from', 'unknown', 'host'];
  const lines = ['id,created_at,severity,status,title,source,description'];
  const perRow = Math.round(CSV_BYTES / ROWS);
  for (let i = 0; i < ROWS; i++) {
    const text = Array.from({ length: 120 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ');
    const row = `alr_${randomBytes(13).toString('hex')},2026-11-${String((i % 28) + 1).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00.000Z,high,open,"Alert ${i}",sensor-${i % 97},"${text}`;
    lines.push(`${row.slice(0, perRow - 2)}"`);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

export async function runVerify(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-verify-'));
  try {
    const key = fixture.generateKey('bench.alert-ledger.example/2026a');
    const log = fixture.makeLog(ROWS);
    const earlier = ROWS - 1000;
    const pack = fixture.makePack({
      key,
      log,
      first: earlier,
      last: ROWS - 1,
      change: (files) => {
        files.set('data.csv', csv());
        files.set('report.pdf', randomBytes(PDF_BYTES));
      },
    });
    const files = {
      'pack.zip': await fixture.zip(pack),
      'keys.json': fixture.jwks([key]),
      'earlier.txt': fixture.signNote(fixture.checkpointText(fixture.ORIGIN, log.leafHashes.slice(0, earlier)), [key]),
      'consistency.json': fixture.consistencyAnswer(log.leafHashes, earlier),
    };
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);

    const seconds: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [BIN, 'pack.zip', '--keys', 'keys.json', '--since', 'earlier.txt', '--consistency', 'consistency.json'], {
        cwd: dir,
        encoding: 'utf8',
      });
      seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (result.status !== 0) throw new Error(`the verifier failed the pack:\n${result.stdout}${result.stderr}`);
    }
    seconds.sort((a, b) => a - b);
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
    const size = (name: string): number => (pack.get(name) as Buffer).length;
    writeSection(
      'verify',
      `## Offline verifier on a 50,000-row evidence pack (issue 16)

Machine: ${machine()}. \`node packages/verify/bin/alert-ledger-verify.js pack.zip --keys keys.json --since earlier.txt --consistency consistency.json\`,
a fresh process each run (start-up included), ${RUNS} runs; bench/verify.ts says how the pack is made.

| Pack | data.csv | report.pdf | Audit events | Median | Slowest |
|---:|---:|---:|---:|---:|---:|
| ${mb(statSync(join(dir, 'pack.zip')).size)} | ${mb(size('data.csv'))} | ${mb(size('report.pdf'))} | ${ROWS.toLocaleString('en-US')} | ${seconds[Math.floor(RUNS / 2)].toFixed(2)} s | ${seconds[RUNS - 1].toFixed(2)} s |

- Target: under 2 s. All nine checks pass in every run.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
