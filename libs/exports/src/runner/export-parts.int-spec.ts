import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PlainSql, Prisma, Tenant } from '@app/database';

import { integrationSuite } from '../../../../test/utils/integration';
import { alertRow } from '../../../../test/utils/world';
import { AlertSource } from '../sources/alert-source';
import { ExportSelection, SplittableSource } from '../sources/record-source';
import { NdjsonWriter } from '../writers/delimited-writers';
import { WriterContext } from '../writers/format-writer';
import { ExportCancelled } from './export-failures';
import { PartsResult, writeInParts } from './export-parts';
import { firstRecords, ndjsonLineOf } from './record-lines';

const RECORDS = 23;

describe('writeInParts: the part pool on real threads and PostgreSQL', () => {
  const suite = integrationSuite({ providers: [AlertSource] });
  let source: AlertSource;
  let sql: PlainSql;
  let selection: ExportSelection;
  let workDir: string;

  beforeAll(async () => {
    source = suite.module.get(AlertSource);
    sql = suite.module.get(PlainSql);
    const tenant: Tenant = await suite.world.tenant('Parts');
    await suite.world.prisma.alert.createMany({
      data: Array.from({ length: RECORDS }, (_, i) => alertRow(tenant.id, { createdAt: new Date(Date.UTC(2025, 0, 1) + ((i * 5) % RECORDS) * 1000) })),
    });
    selection = { tenantId: tenant.id, scope: 'all', ids: [], filters: {}, asOf: new Date() };
  });

  beforeEach(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'alert-ledger-parts-'));
  });

  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** Writes the selection as NDJSON in parts of 4 records on 3 threads; the file's bytes, the result and the progress reported. */
  async function write(
    parts: SplittableSource = source,
    signal = new AbortController().signal,
    onRows: (rows: number) => void = () => undefined,
  ): Promise<{ bytes: Buffer; result: PartsResult }> {
    const writer = new NdjsonWriter();
    await writer.open({ exportId: 'exp_parts', workDir } as WriterContext);
    const result = await sql.snapshot((run) =>
      writeInParts({
        run,
        source: parts,
        selection,
        rowCount: RECORDS,
        partRecords: 4,
        threads: 3,
        workDir,
        writer,
        signal,
        onRows,
        job: { databaseUrl: process.env.DATABASE_URL as string, format: 'ndjson', timezone: 'UTC', batchSize: 3, fields: [] },
      }),
    );
    return { bytes: await readFile(await writer.finish()), result };
  }

  /** A source whose `n`-th part statement is `broken` instead. */
  function breaking(n: number, broken: (query: Prisma.Sql, rows: number) => Prisma.Sql): SplittableSource {
    let calls = 0;
    return Object.assign(Object.create(source) as SplittableSource, {
      partQuery: (s: ExportSelection, after: [Date, string] | null, rows: number) => {
        const query = source.partQuery(s, after, rows);
        return ++calls === n ? broken(query, rows) : query;
      },
    });
  }

  it("should append the threads' parts in keyset order, byte for byte what the job's own thread writes, and report every record", async () => {
    let reported = 0;
    const { bytes, result } = await write(source, undefined, (rows) => (reported += rows));
    const lineOf = ndjsonLineOf(source.columns);
    const expected: string[] = [];
    await sql.snapshot(async (run) => {
      for await (const batch of firstRecords(source.batches(run, selection, 5), RECORDS)) expected.push(...batch.map(lineOf));
    });
    expect(bytes.toString('utf8')).toBe(expected.join(''));
    expect(result.rows).toBe(RECORDS);
    expect(reported).toBe(RECORDS);
    expect(await readdir(workDir)).toEqual(['exp_parts.ndjson']);
  });

  it("should fail with a part's database error", async () => {
    await expect(write(breaking(3, () => Prisma.sql`SELECT 1 / 0 AS id`))).rejects.toThrow(/division by zero/);
  });

  it('should refuse a part that holds fewer records than it was cut for', async () => {
    await expect(write(breaking(2, (_query, rows) => source.partQuery(selection, null, rows - 1)))).rejects.toThrow(/part 1 held 3 records, not 4/);
  });

  it('should stop with ExportCancelled when the job is cancelled while its parts are written', async () => {
    const cancel = new AbortController();
    await expect(write(source, cancel.signal, () => cancel.abort(new ExportCancelled()))).rejects.toBeInstanceOf(ExportCancelled);
  });
});
