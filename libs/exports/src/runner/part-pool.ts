/** What an ordered part pool runs (runInOrder). */
export interface OrderedParts<R> {
  /** The parts are 0 … count − 1. */
  count: number;
  /** How many parts run at once: each lane runs one part at a time. */
  lanes: number;
  /** Back pressure: parts handed out and not yet consumed (running, or finished and waiting for the ones before them), at most. */
  ahead: number;
  /** Runs part `index` on `lane`. */
  run(index: number, lane: number): Promise<R>;
  /** Takes the finished parts in index order, one at a time; `stopped` aborts when the pool fails meanwhile (stop early). */
  consume(index: number, result: R, stopped: AbortSignal): Promise<void>;
  /** A lane has no part left to run (its worker may go). */
  drained?(lane: number): void;
  /** Aborting stops the pool, which fails with the signal's reason. */
  signal?: AbortSignal;
  /** Rejects when something besides a part fails (a worker lost while idle): the pool fails with it. */
  failure?: Promise<never>;
}

/**
 * Runs parts on a few lanes and hands their results on in order: lane k runs the next part not yet
 * handed out as soon as it is free and fewer than `ahead` parts are out, and the finished parts are
 * consumed strictly in index order, one at a time. The first failure (a part, a consume, `failure`, an
 * abort) stops the pool: no further part is handed out, the running consume is told to stop, and the
 * pool rejects with that failure once the consume has returned. Parts still running then are the
 * caller's to stop (their results and failures are ignored).
 */
export function runInOrder<R>(parts: OrderedParts<R>): Promise<void> {
  const stop = new AbortController();
  const finished = new Map<number, R>();
  let next = 0;
  let consumed = 0;
  const waiting: (() => void)[] = []; // the consumer and lanes waiting for a part to finish or be consumed
  const changed = () => new Promise<void>((resolve) => waiting.push(resolve));
  const notify = () => waiting.splice(0).forEach((resume) => resume());
  const fail = (error: unknown): void => {
    if (!stop.signal.aborted) stop.abort(error);
    notify();
  };

  const lane = async (index: number): Promise<void> => {
    for (;;) {
      while (!stop.signal.aborted && next < parts.count && next - consumed >= parts.ahead) await changed();
      if (stop.signal.aborted) return;
      if (next >= parts.count) return parts.drained?.(index);
      const part = next++;
      const result = await parts.run(part, index);
      finished.set(part, result);
      notify();
    }
  };

  const consume = async (): Promise<void> => {
    while (consumed < parts.count) {
      while (!stop.signal.aborted && !finished.has(consumed)) await changed();
      if (stop.signal.aborted) return;
      const result = finished.get(consumed) as R;
      finished.delete(consumed);
      await parts.consume(consumed, result, stop.signal);
      consumed++;
      notify();
    }
  };

  const onAbort = () => fail(parts.signal?.reason);
  parts.signal?.addEventListener('abort', onAbort, { once: true });
  if (parts.signal?.aborted) onAbort();
  parts.failure?.catch(fail);
  for (let i = 0; i < Math.min(parts.lanes, parts.count); i++) lane(i).catch(fail);
  return consume()
    .catch(fail)
    .finally(() => parts.signal?.removeEventListener('abort', onAbort))
    .then(() => {
      if (stop.signal.aborted) throw stop.signal.reason;
    });
}
