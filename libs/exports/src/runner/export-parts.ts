import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { Prisma } from '@app/database';

import { ExportSelection, RecordSource, SqlRun } from '../sources/record-source';
import { FormatWriter } from '../writers/format-writer';
import { ExportCancelled } from './export-failures';
import type { PartJob, PartMessage, PartTask } from './part-thread';

export interface PartsRequest {
  run: SqlRun;
  source: RecordSource;
  selection: ExportSelection;
  job: Omit<PartJob, 'snapshot' | 'resource'>;
  /** Records to write (the first of the selection; the manifest's row count). */
  rowCount: number;
  partRecords: number;
  threads: number;
  workDir: string;
  /** An open writer with `writeFormatted`: the parts are appended to it in order. */
  writer: FormatWriter;
  signal: AbortSignal;
  onRows(rows: number): void;
}

/** The data digest (SHA-256 of the NDJSON lines, in order) and the records written. */
export interface PartsResult {
  dataSha256: string;
  rows: number;
}

/**
 * Writes a CSV or NDJSON export with part threads (part-thread.ts), so that its formatting, the most
 * of its CPU, uses every core: the selection is cut into parts of `partRecords` records at keyset
 * positions (RecordSource.partStarts), each thread joins the job's snapshot (pg_export_snapshot) and
 * writes one part at a time to its own files, and this thread appends the finished parts to the
 * writer in order and hashes their NDJSON lines, so the file and the data digest are byte for byte
 * what one thread would have written. A thread's failure or a cancellation stops all of them; the
 * part files are in the attempt's work directory, which the runner removes.
 */
export async function writeInParts(request: PartsRequest): Promise<PartsResult> {
  const { run, source, selection, rowCount, partRecords, workDir, writer, signal } = request;
  const append = writer.writeFormatted?.bind(writer);
  if (!append) throw new Error(`the ${request.job.format} writer cannot append formatted parts`);
  const [{ snapshot }] = await run<{ snapshot: string }>(Prisma.sql`SELECT pg_export_snapshot() AS snapshot`);
  const starts = await source.partStarts(run, selection, partRecords, rowCount);
  const csv = request.job.format === 'csv';
  const tasks: PartTask[] = starts.map((after, index) => {
    const rows = Math.min(partRecords, rowCount - index * partRecords);
    const { text, values } = source.partQuery(selection, after, rows);
    const dataPath = join(workDir, `part-${index}.${request.job.format}`);
    return { index, query: { text, values }, rows, dataPath, linesPath: csv ? join(workDir, `part-${index}.ndjson`) : null };
  });
  const job: PartJob = { ...request.job, snapshot, resource: source.resource };
  const hash = createHash('sha256');
  const threads: Worker[] = [];
  let written = 0;

  try {
    await new Promise<void>((done, fail) => {
      const finished = new Set<number>();
      let next = 0;
      let assembled = 0;
      let assembling = Promise.resolve();
      let failed = false;
      const stop = (error: unknown): void => {
        if (failed) return;
        failed = true;
        fail(error);
      };
      const cancelled = (): void => stop(new ExportCancelled());
      signal.addEventListener('abort', cancelled, { once: true });
      if (signal.aborted) return cancelled();

      // Appends the finished parts that are next in order; one append at a time.
      const assemble = (): void => {
        assembling = assembling
          .then(async () => {
            while (!failed && finished.has(assembled)) {
              const task = tasks[assembled];
              const { linesPath } = task;
              await eachChunk(task.dataPath, async (chunk) => {
                await append(chunk);
                if (!linesPath) hash.update(chunk);
              });
              if (linesPath) await eachChunk(linesPath, (chunk) => void hash.update(chunk));
              await Promise.all([unlink(task.dataPath), linesPath ? unlink(linesPath) : null]);
              finished.delete(assembled);
              assembled++;
            }
            if (!failed && assembled === tasks.length) {
              signal.removeEventListener('abort', cancelled);
              done();
            }
          })
          .catch(stop);
      };
      const give = (thread: Worker): void => {
        const task = tasks[next++];
        thread.postMessage(task ?? null);
      };

      if (tasks.length === 0) return assemble();
      for (let i = 0; i < Math.min(request.threads, tasks.length); i++) {
        const thread = startThread(job);
        threads.push(thread);
        thread.on('message', (message: PartMessage) => {
          if (message.type === 'rows') {
            written += message.rows;
            request.onRows(message.rows);
          } else if (message.type === 'done') {
            if (message.rows !== tasks[message.index].rows) return stop(new Error(`part ${message.index} held ${message.rows} records, not ${tasks[message.index].rows}`));
            finished.add(message.index);
            give(thread);
            assemble();
          } else {
            stop(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
          }
        });
        thread.on('error', stop);
        thread.on('exit', (code) => {
          if (code !== 0) stop(new Error(`an export part thread exited with code ${code}`));
        });
        give(thread);
      }
    });
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
  return { dataSha256: hash.digest('hex'), rows: written };
}

/** A file in chunks of 1 MiB: a part's size follows its records', so it is never read whole. */
async function eachChunk(path: string, use: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) await use(chunk as Buffer);
}

/**
 * The thread runs this file's compiled sibling; from the TypeScript sources (tests, `tsx`), through
 * tsx's require hook, which resolves the path aliases and starts twice as fast as TypeScript's own
 * transpiler (the thread's modules need no decorator metadata).
 */
function startThread(job: PartJob): Worker {
  const extension = extname(__filename);
  const file = join(__dirname, `part-thread${extension}`);
  // Node's own flags (heap size, profiling) carry over to the thread either way.
  const execArgv = extension === '.ts' ? [...process.execArgv, '--require', require.resolve('tsx/cjs')] : undefined;
  // A larger young generation than the default: a part's rows, lines and CSV text die young, and fewer
  // scavenges of that churn measured 10–15% less CPU for a CSV part (docs/BENCHMARKS.md).
  return new Worker(file, { workerData: job, execArgv, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
}
