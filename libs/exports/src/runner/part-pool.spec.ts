import { OrderedParts, runInOrder } from './part-pool';

/** A part the test finishes by hand. */
interface Pending {
  index: number;
  lane: number;
  finish(): void;
  fail(error: Error): void;
}

/** Lets every queued promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A pool whose parts wait for the test: `running` holds the parts started and not yet finished. */
function pool(overrides: Partial<OrderedParts<string>> = {}) {
  const running: Pending[] = [];
  const started: number[] = [];
  const consumed: number[] = [];
  const drained: number[] = [];
  const done = runInOrder<string>({
    count: 6,
    lanes: 2,
    ahead: 4,
    run: (index, lane) =>
      new Promise<string>((resolve, reject) => {
        started.push(index);
        const part: Pending = { index, lane, finish: () => resolve(`part ${index}`), fail: reject };
        running.push(part);
      }),
    consume: async (index, result) => {
      expect(result).toBe(`part ${index}`);
      consumed.push(index);
    },
    drained: (lane) => drained.push(lane),
    ...overrides,
  });
  done.catch(() => undefined);
  const finish = async (index: number) => {
    const at = running.findIndex((part) => part.index === index);
    expect(at).toBeGreaterThanOrEqual(0);
    running.splice(at, 1)[0].finish();
    await settle();
  };
  return { done, running, started, consumed, drained, finish };
}

describe('runInOrder (the ordered part pool)', () => {
  it('should consume the parts in index order whatever order they finish in', async () => {
    const p = pool();
    await settle();
    for (const index of [1, 2, 3]) await p.finish(index);
    expect(p.consumed).toEqual([]);
    await p.finish(0);
    expect(p.consumed).toEqual([0, 1, 2, 3]);
    await p.finish(5);
    expect(p.consumed).toEqual([0, 1, 2, 3]);
    await p.finish(4);
    await p.done;
    expect(p.consumed).toEqual([0, 1, 2, 3, 4, 5]);
    expect(p.started).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('should run one part per lane at a time and let each lane go once no part is left', async () => {
    const p = pool({ count: 3 });
    await settle();
    expect(p.running.map((part) => [part.index, part.lane])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    await p.finish(1);
    expect(p.running.map((part) => [part.index, part.lane])).toEqual([
      [0, 0],
      [2, 1],
    ]);
    expect(p.drained).toEqual([]);
    await p.finish(0);
    expect(p.drained).toEqual([0]);
    await p.finish(2);
    await p.done;
    expect(p.drained.sort()).toEqual([0, 1]);
    expect(p.consumed).toEqual([0, 1, 2]);
  });

  it('should hand out no more parts while `ahead` of them wait for an earlier one (back pressure)', async () => {
    const p = pool({ count: 8, lanes: 2, ahead: 3 });
    await settle();
    await p.finish(1);
    await p.finish(2);
    // 0 runs, 1 and 2 wait for it: three parts are out, so lane 1 waits instead of starting part 3.
    expect(p.started).toEqual([0, 1, 2]);
    expect(p.running.map((part) => part.index)).toEqual([0]);
    await p.finish(0);
    expect(p.consumed).toEqual([0, 1, 2]);
    expect(p.started).toEqual([0, 1, 2, 3, 4]);
  });

  it("should stop handing out parts and fail with the signal's reason when cancelled", async () => {
    const cancel = new AbortController();
    const p = pool({ signal: cancel.signal });
    await settle();
    await p.finish(0);
    const reason = new Error('cancelled');
    cancel.abort(reason);
    await expect(p.done).rejects.toBe(reason);
    await p.finish(1);
    expect(p.started).toEqual([0, 1, 2]);
    expect(p.consumed).toEqual([0]);
  });

  it('should not start at all under a signal already aborted', async () => {
    const cancel = new AbortController();
    cancel.abort(new Error('too late'));
    const p = pool({ signal: cancel.signal });
    await expect(p.done).rejects.toThrow('too late');
    expect(p.consumed).toEqual([]);
  });

  it("should fail with a failing part's error, consume nothing after it and start no further part", async () => {
    const p = pool();
    await settle();
    await p.finish(0);
    const broken = new Error('disk full');
    p.running.find((part) => part.index === 1)?.fail(broken);
    await expect(p.done).rejects.toBe(broken);
    await p.finish(2);
    expect(p.consumed).toEqual([0]);
    expect(p.started).toEqual([0, 1, 2]);
  });

  it("should fail with a failing consume's error, and tell a running consume to stop when something else fails", async () => {
    const stops: AbortSignal[] = [];
    let release = (): void => undefined;
    const failing = pool({
      consume: async (index, _result, stopped) => {
        stops.push(stopped);
        if (index === 0) await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await settle();
    await failing.finish(0);
    failing.running.find((part) => part.index === 1)?.fail(new Error('thread lost'));
    await settle();
    expect(stops[0].aborted).toBe(true);
    release();
    await expect(failing.done).rejects.toThrow('thread lost');

    const refused = pool({ consume: () => Promise.reject(new Error('append failed')) });
    await settle();
    await refused.finish(0);
    await expect(refused.done).rejects.toThrow('append failed');
  });

  it('should fail when `failure` rejects though no part failed (a worker lost while idle)', async () => {
    let lose: (error: Error) => void = () => undefined;
    const p = pool({ failure: new Promise<never>((_, reject) => (lose = reject)) });
    await settle();
    lose(new Error('thread exited'));
    await expect(p.done).rejects.toThrow('thread exited');
  });
});
