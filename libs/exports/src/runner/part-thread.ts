/**
 * A part thread (worker_threads) of a CSV or NDJSON export: it joins the job's database snapshot and
 * writes the parts it is handed, each to its own files, while other threads write other parts
 * (export-parts.ts assembles them in order). The job's thread builds each part's statement (the
 * record source's partQuery); this thread reads it through a cursor and formats the rows with the
 * writers' own functions, so a part is the same text the job's thread would write. It loads only
 * what it uses (pg, the column definitions, the formatters: deep imports where a library's barrel
 * would bring Nest and Prisma), so that it starts in milliseconds and stays small.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { Client } from 'pg';

import { ZonedFormatter } from '@app/common/dates/zoned-time';
import { PG_TYPES } from '@app/database/pg-types';

import type { ExportResourceName } from '../dto/export-enums';
import { chosenColumns, EXPORT_COLUMNS } from '../sources/part-columns';
import { csvRows } from '../writers/delimited-writers';
import { FileSink } from '../writers/file-sink';
import { ndjsonLineOf } from './record-lines';

/** What every part of one export shares (the thread's workerData). */
export interface PartJob {
  databaseUrl: string;
  /** pg_export_snapshot() of the job's transaction. */
  snapshot: string;
  resource: ExportResourceName;
  format: 'csv' | 'ndjson';
  timezone: string;
  batchSize: number;
  /** The job's chosen columns (empty: every column). */
  fields: string[];
}

/** One part: the `rows` records of `query`, written to `dataPath` (CSV or NDJSON lines) and, for CSV, their NDJSON lines (the digest's input) to `linesPath`. */
export interface PartTask {
  index: number;
  query: { text: string; values: unknown[] };
  rows: number;
  dataPath: string;
  linesPath: string | null;
}

export type PartMessage =
  { type: 'rows'; rows: number } | { type: 'done'; index: number; rows: number } | { type: 'failed'; message: string; details: Record<string, unknown> };

/** The connections of part threads say so in pg_stat_activity. */
export const PART_THREAD_APPLICATION = 'alert-ledger export part';

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+-[0-9]+$/i;

/** An error as the job's thread rebuilds it: the message, and what describeFailure and an operator read (errno code and path, pg's detail and hint). */
function failure(error: unknown): PartMessage {
  const source = (error ?? {}) as Record<string, unknown>;
  const details = Object.fromEntries(
    ['code', 'path', 'syscall', 'errno', 'detail', 'hint'].filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  );
  return { type: 'failed', message: error instanceof Error ? error.message : String(error), details };
}

async function main(job: PartJob): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('part-thread runs as a worker thread');
  if (!EXPORT_COLUMNS[job.resource]) throw new Error(`resource ${job.resource} cannot be exported`);
  const columns = chosenColumns(EXPORT_COLUMNS[job.resource], job.fields);
  if (!SNAPSHOT_ID.test(job.snapshot)) throw new Error(`not a snapshot id: ${job.snapshot}`);
  const client = new Client({ connectionString: job.databaseUrl, types: PG_TYPES, application_name: PART_THREAD_APPLICATION });
  client.on('error', () => undefined); // a lost connection fails the running query, which reports it
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${job.snapshot}'`);
  const lineOf = ndjsonLineOf(columns);
  const zone = new ZonedFormatter(job.timezone);

  const write = async (task: PartTask): Promise<void> => {
    const data = new FileSink(task.dataPath);
    const lines = task.linesPath ? new FileSink(task.linesPath) : null;
    let rows = 0;
    try {
      const cursor = `part_${task.index}`;
      await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${task.query.text}`, task.query.values);
      // The next batch is asked for before this one is formatted, so the database reads while this thread writes.
      const fetch = () => client.query(`FETCH ${job.batchSize} FROM ${cursor}`);
      let next = fetch();
      for (;;) {
        const batch = (await next).rows as never[];
        if (batch.length === 0) break;
        next = fetch();
        next.catch(() => undefined); // observed by the next iteration's await; a failure here must not go unhandled meanwhile
        const ndjson = batch.map(lineOf).join('');
        if (lines) {
          await data.write(csvRows(batch, columns, zone));
          await lines.write(ndjson);
        } else {
          await data.write(ndjson);
        }
        rows += batch.length;
        port.postMessage({ type: 'rows', rows: batch.length } satisfies PartMessage);
      }
      await client.query(`CLOSE ${cursor}`);
      await data.close();
      await lines?.close();
    } catch (error) {
      data.destroy();
      lines?.destroy();
      throw error;
    }
    port.postMessage({ type: 'done', index: task.index, rows } satisfies PartMessage);
  };

  // Parts arrive one at a time (the next when this one is done); null ends the job.
  let queue = Promise.resolve();
  port.on('message', (task: PartTask | null) => {
    queue = queue
      .then(async () => {
        if (task) return write(task);
        await client.query('COMMIT');
        await client.end();
        port.close();
      })
      .catch((error: unknown) => port.postMessage(failure(error)));
  });
}

if (parentPort && (workerData as PartJob | null)?.snapshot) {
  main(workerData as PartJob).catch((error: unknown) => parentPort?.postMessage(failure(error)));
}
