import { CursorCodec } from './cursor-codec';
import { PageQueryDto } from './page-query.dto';
import { EXACT_TOTAL_UP_TO, ListSource, Paginator } from './pagination';

describe('Paginator totals', () => {
  const paginator = new Paginator(new CursorCodec('s'.repeat(32)));

  /** A list of `matching` rows whose planner estimates `estimated`; records which counts ran. */
  function source(matching: number, estimated: number, estimates = true) {
    const calls: string[] = [];
    const ran = async <T>(call: string, value: T): Promise<T> => {
      calls.push(call);
      return value;
    };
    const list: ListSource<{ id: string }> = {
      sortBy: 'id',
      sortValue: () => [],
      id: (row) => row.id,
      scope: {},
      count: () => ran('count', matching),
      readOffset: async () => [{ id: 'a' }],
      readKeyset: async () => [{ id: 'a' }],
      estimate: estimates
        ? {
            rows: () => ran('estimate', estimated),
            countUpTo: (limit) => ran(`countUpTo ${limit}`, Math.min(matching, limit)),
          }
        : undefined,
    };
    return { list, calls };
  }
  const totals = async (query: PageQueryDto, matching: number, estimated: number, estimates = true) => {
    const { list, calls } = source(matching, estimated, estimates);
    const page = await paginator.paginate(query, list);
    expect(page.pagination.total).toBe(page.total);
    expect(page.pagination.total_is_estimate).toBe(page.total_is_estimate);
    return { total: page.total, estimate: page.total_is_estimate, pages: page.pagination.total_pages, calls };
  };

  it('should answer the estimate above 1,000 without counting', async () => {
    expect(await totals({}, 25_282, 27_228)).toEqual({ total: 27_228, estimate: true, pages: 1362, calls: ['estimate'] });
  });

  it('should count exactly, up to 1,001 rows, when the estimate is 1,000 or less', async () => {
    expect(await totals({}, 990, EXACT_TOTAL_UP_TO)).toEqual({ total: 990, estimate: false, pages: 50, calls: ['estimate', 'countUpTo 1001'] });
  });

  it('should answer a bounded count that reached its bound as an estimate of at least 1,001', async () => {
    expect(await totals({}, 80_000, 1)).toEqual({ total: 1001, estimate: true, pages: 51, calls: ['estimate', 'countUpTo 1001'] });
  });

  it('should count exactly with include_total=true, count nothing with false, and count exactly for lists without an estimate', async () => {
    expect(await totals({ include_total: true }, 25_282, 27_228)).toEqual({ total: 25_282, estimate: false, pages: 1265, calls: ['count'] });
    expect(await totals({ include_total: false }, 25_282, 27_228)).toEqual({ total: null, estimate: false, pages: null, calls: [] });
    expect(await totals({}, 25_282, 27_228, false)).toEqual({ total: 25_282, estimate: false, pages: 1265, calls: ['count'] });
  });

  it('should give cursor pages no total unless asked, and then the exact count', async () => {
    expect(await totals({ pagination: 'cursor' }, 25_282, 27_228)).toEqual({ total: null, estimate: false, pages: null, calls: [] });
    expect(await totals({ pagination: 'cursor', include_total: true }, 25_282, 27_228)).toEqual({
      total: 25_282,
      estimate: false,
      pages: 1265,
      calls: ['count'],
    });
  });
});
