import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { Prisma } from '@app/database';

import { ExportSelection, SplittableSource, SqlRun } from '../sources/record-source';
import { FormatWriter } from '../writers/format-writer';
import { ExportCancelled } from './export-failures';
import { runInOrder } from './part-pool';
import type { PartJob, PartMessage, PartTask } from './part-thread';

export interface PartsRequest {
  run: SqlRun;
  source: SplittableSource;
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
 * positions (SplittableSource.partStarts), each thread joins the job's snapshot (pg_export_snapshot)
 * and writes one part at a time to its own files, and this thread appends the finished parts to the
 * writer in order and hashes their NDJSON lines (an ordered part pool, part-pool.ts, with a thread per
 * lane), so the file and the data digest are byte for byte what one thread would have written. A
 * thread's failure or a cancellation stops all of them; the part files are in the attempt's work
 * directory, which the runner removes.
 */
export async function writeInParts(request: PartsRequest): Promise<PartsResult> {
  const { run, source, selection, rowCount, partRecords, workDir, writer, signal } = request;
  const append = writer.writeFormatted?.bind(writer);
  if (!append) throw new Error(`the ${request.job.format} writer cannot append formatted parts`);
  // This transaction only holds the snapshot while the threads read: a server-side idle timeout must not end it.
  await run(Prisma.sql`SET LOCAL idle_in_transaction_session_timeout = 0`);
  const [{ snapshot }] = await run<{ snapshot: string }>(Prisma.sql`SELECT pg_export_snapshot() AS snapshot`);
  const starts = await source.partStarts(run, selection, partRecords, rowCount);
  const csv = request.job.format === 'csv';
  const task = (index: number): PartTask => {
    const rows = Math.min(partRecords, rowCount - index * partRecords);
    const { text, values } = source.partQuery(selection, starts[index], rows);
    const dataPath = join(workDir, `part-${index}.${request.job.format}`);
    return { index, query: { text, values }, rows, dataPath, linesPath: csv ? join(workDir, `part-${index}.ndjson`) : null };
  };
  const job: PartJob = { ...request.job, snapshot, resource: source.resource };
  const hash = createHash('sha256');
  let written = 0;
  const threads = Array.from(
    { length: Math.min(request.threads, starts.length) },
    () =>
      new PartThread(job, (rows) => {
        written += rows;
        request.onRows(rows);
      }),
  );
  try {
    await runInOrder<PartTask>({
      count: starts.length,
      lanes: threads.length,
      // Finished parts wait on disk for the ones before them; this many at most, so disk use stays near the file's.
      ahead: threads.length * 2,
      signal,
      failure: Promise.race(threads.map((thread) => thread.lost)),
      run: (index, lane) => threads[lane].write(task(index)),
      drained: (lane) => threads[lane].release(),
      // Appends each finished part's file to the writer and its NDJSON lines to the digest, then removes both.
      consume: async (_index, { dataPath, linesPath }, stopped) => {
        await eachChunk(dataPath, stopped, async (chunk) => {
          await append(chunk);
          if (!linesPath) hash.update(chunk);
        });
        if (linesPath) await eachChunk(linesPath, stopped, (chunk) => void hash.update(chunk));
        await Promise.all([unlink(dataPath), linesPath ? unlink(linesPath) : null]);
      },
    }).catch((error: unknown) => {
      throw signal.aborted && error === signal.reason ? new ExportCancelled() : error;
    });
    // Each thread has its null by now and is committing: let it close its connection before it goes.
    await Promise.all(threads.map((thread) => thread.exited(2_000)));
  } finally {
    await Promise.all(threads.map((thread) => thread.terminate()));
  }
  return { dataSha256: hash.digest('hex'), rows: written };
}

/**
 * One part thread, which writes the parts it is given one at a time: `write` resolves when the part is
 * written (refusing a part whose record count is not the task's), `release` tells it there is nothing
 * left (it commits and ends), and `lost` rejects when it fails or ends otherwise.
 */
class PartThread {
  readonly lost: Promise<never>;
  private readonly worker: Worker;
  private part: { index: number; rows: number; done(): void; failed(error: Error): void } | null = null;
  private released = false;
  private gone = false;

  constructor(job: PartJob, onRows: (rows: number) => void) {
    this.worker = startThread(job);
    let lose: (error: Error) => void = () => undefined;
    this.lost = new Promise<never>((_, reject) => (lose = reject));
    this.lost.catch(() => undefined); // observed by the pool; a thread lost after the pool ended is nobody's failure
    const fail = (error: Error): void => {
      this.part?.failed(error);
      this.part = null;
      lose(error);
    };
    this.worker.on('message', (message: PartMessage) => {
      if (message.type === 'rows') return onRows(message.rows);
      if (message.type === 'failed') return fail(Object.assign(new Error(message.message), message.details));
      const part = this.part;
      this.part = null;
      if (part?.index !== message.index || message.rows !== part.rows)
        return fail(new Error(`part ${message.index} held ${message.rows} records, not ${part?.rows}`));
      part.done();
    });
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      this.gone = true;
      // A thread ends by itself only after its null; any other end is a failure.
      if (code !== 0 || !this.released) fail(new Error(`an export part thread exited (code ${code}) before its parts were written`));
    });
  }

  write(task: PartTask): Promise<PartTask> {
    return new Promise((resolve, reject) => {
      this.part = { index: task.index, rows: task.rows, done: () => resolve(task), failed: reject };
      this.worker.postMessage(task);
    });
  }

  release(): void {
    this.released = true;
    this.worker.postMessage(null);
  }

  /** Resolves when the (released) thread has exited, or after `ms`. */
  exited(ms: number): Promise<void> {
    if (this.gone) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** A file in chunks of 1 MiB (a part's size follows its records', so it is never read whole), until `stopped`. */
async function eachChunk(path: string, stopped: AbortSignal, use: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (stopped.aborted) return;
    await use(chunk as Buffer);
  }
}

/**
 * The thread runs this file's compiled sibling; from the TypeScript sources (tests, `tsx`), through
 * tsx's require hook, which resolves the path aliases and starts twice as fast as TypeScript's own
 * transpiler (the thread's modules need no decorator metadata).
 */
function startThread(job: PartJob): Worker {
  const extension = extname(__filename);
  const file = join(__dirname, `part-thread${extension}`);
  // Compiled, the thread inherits Node's own flags; from sources it gets only the hook (a thread refuses V8 flags in execArgv).
  const execArgv = extension === '.ts' ? ['--require', require.resolve('tsx/cjs')] : undefined;
  // A larger young generation than the default: a part's rows, lines and CSV text die young, and fewer
  // scavenges of that churn measured 10–15% less CPU for a CSV part (docs/BENCHMARKS.md).
  return new Worker(file, { workerData: job, execArgv, resourceLimits: { maxYoungGenerationSizeMb: 32 } });
}
