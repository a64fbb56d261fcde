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
  const threads: Worker[] = [];
  const gone = new Set<Worker>(); // the threads that have exited
  const count = Math.min(request.threads, starts.length);
  // Finished parts wait on disk for the ones before them; this many at most, so disk use stays near the file's.
  const ahead = count * 2;
  let written = 0;
  let failed = false;
  let assembling = Promise.resolve();
  let onAbort = (): void => undefined;

  try {
    await new Promise<void>((done, fail) => {
      const handed = new Map<number, PartTask>(); // given to a thread, not yet assembled
      const finished = new Set<number>();
      const idle: Worker[] = [];
      const released = new Set<Worker>(); // the threads told there is nothing left
      let next = 0;
      let assembled = 0;
      const stop = (error: unknown): void => {
        if (failed) return;
        failed = true;
        fail(error);
      };
      onAbort = () => stop(new ExportCancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) return onAbort();

      // Hands a thread its next part, null when there is none left, or parks it while too many finished parts wait.
      const give = (thread: Worker): void => {
        if (next < starts.length && next - assembled >= ahead) {
          idle.push(thread);
          return;
        }
        if (next < starts.length) {
          const part = task(next++);
          handed.set(part.index, part);
          return thread.postMessage(part);
        }
        released.add(thread);
        thread.postMessage(null);
      };
      // Appends the finished parts that are next in order; one append at a time.
      const assemble = (): void => {
        assembling = assembling
          .then(async () => {
            while (!failed && finished.has(assembled)) {
              const { dataPath, linesPath } = handed.get(assembled) as PartTask;
              await eachChunk(dataPath, () => failed, async (chunk) => {
                await append(chunk);
                if (!linesPath) hash.update(chunk);
              });
              if (linesPath) await eachChunk(linesPath, () => failed, (chunk) => void hash.update(chunk));
              await Promise.all([unlink(dataPath), linesPath ? unlink(linesPath) : null]);
              finished.delete(assembled);
              handed.delete(assembled);
              assembled++;
              while (idle.length > 0 && next - assembled < ahead) give(idle.pop() as Worker);
            }
            if (!failed && assembled === starts.length) done();
          })
          .catch(stop);
      };

      for (let i = 0; i < count; i++) {
        const thread = startThread(job);
        threads.push(thread);
        thread.on('message', (message: PartMessage) => {
          if (message.type === 'rows') {
            written += message.rows;
            request.onRows(message.rows);
          } else if (message.type === 'done') {
            const expected = handed.get(message.index)?.rows;
            if (message.rows !== expected) return stop(new Error(`part ${message.index} held ${message.rows} records, not ${expected}`));
            finished.add(message.index);
            give(thread);
            assemble();
          } else {
            stop(Object.assign(new Error(message.message), message.details));
          }
        });
        thread.on('error', stop);
        thread.on('exit', (code) => {
          gone.add(thread);
          // A thread ends by itself only after its null; any other end is a failure.
          if (code !== 0 || !released.has(thread)) stop(new Error(`an export part thread exited (code ${code}) before its parts were written`));
        });
        give(thread);
      }
    });
    // Each thread has its null by now and is committing: let it close its connection before it goes.
    await Promise.all(threads.map((thread) => (gone.has(thread) ? Promise.resolve() : exited(thread, 2_000))));
  } finally {
    signal.removeEventListener('abort', onAbort);
    await Promise.all(threads.map((thread) => thread.terminate()));
    await assembling.catch(() => undefined); // a failed attempt's assembly stops at its next chunk
  }
  return { dataSha256: hash.digest('hex'), rows: written };
}

/** Resolves when the (still running) thread exits, or after `ms`. */
function exited(thread: Worker, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    thread.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A file in chunks of 1 MiB (a part's size follows its records', so it is never read whole), until `stopped`. */
async function eachChunk(path: string, stopped: () => boolean, use: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (stopped()) return;
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
