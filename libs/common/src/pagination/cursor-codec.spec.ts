import { ProblemException } from '../problem/problem.exception';
import { CursorCodec, CursorValue } from './cursor-codec';
import { cursorColumns } from './pagination';

describe('CursorCodec', () => {
  const codec = new CursorCodec('s'.repeat(32));
  const binding = CursorCodec.binding({ resource: 'alerts', tenant: 'tnt_1', sort: 'created_at' });
  const position = { direction: 'next' as const, key: [{ date: '2025-04-30T08:15:00.000Z' }, 'alr_1'] as [{ date: string }, string] };

  it('should decode what it encoded', () => {
    expect(codec.decode(codec.encode(position, binding), binding)).toEqual(position);
  });

  function expectInvalid(token: string, withBinding = binding): void {
    let error: unknown;
    try {
      codec.decode(token, withBinding);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProblemException);
    expect((error as ProblemException).problemType.slug).toBe('invalid-cursor');
  }

  it('should bind a list whatever the order or repetition of a multi-value filter, but not another set of values', () => {
    const scope = (severity: string[]) => ({ resource: 'alerts', filter: { severity, status: ['open'] } });
    const token = codec.encode(position, CursorCodec.binding(scope(['high', 'critical'])));
    expect(codec.decode(token, CursorCodec.binding(scope(['critical', 'high'])))).toEqual(position);
    expect(codec.decode(token, CursorCodec.binding(scope(['critical', 'high', 'critical'])))).toEqual(position);
    expectInvalid(token, CursorCodec.binding(scope(['critical'])));
    expectInvalid(token, CursorCodec.binding(scope(['critical', 'high', 'low'])));
  });

  it('should refuse a cursor whose body was altered', () => {
    const [body, signature] = codec.encode(position, binding).split('.');
    const altered = Buffer.from(Buffer.from(body, 'base64url').toString().replace('alr_1', 'alr_2')).toString('base64url');
    expectInvalid(`${altered}.${signature}`);
  });

  it('should refuse a cursor of another list', () => {
    expectInvalid(codec.encode(position, binding), CursorCodec.binding({ resource: 'alerts', tenant: 'tnt_2', sort: 'created_at' }));
  });

  it('should refuse a cursor signed with another secret', () => {
    expectInvalid(new CursorCodec('t'.repeat(32)).encode(position, binding));
  });

  it.each([[''], ['garbage'], ['a.b.c'], ['%%%.###']])('should refuse %j', (token) => {
    expectInvalid(token);
  });

  it('should decode a composite sort value (one value per column before the id)', () => {
    const composite = { direction: 'prev' as const, key: [['high', { date: '2025-04-30T08:15:00.000Z' }], 'alr_1'] as [CursorValue, string] };
    expect(codec.decode(codec.encode(composite, binding), binding)).toEqual(composite);
  });

  it.each([
    ['a nested array', [[['high']], 'alr_1']],
    ['an object that is not a date', [{ date: '2025-04-30', extra: 1 }, 'alr_1']],
    ['an id that is not a string', ['high', 7]],
    ['a key of three members', ['high', 'x', 'alr_1']],
  ])('should refuse a signed cursor whose key holds %s', (_, key) => {
    expectInvalid(codec.encode({ direction: 'next', key: key as unknown as [CursorValue, string] }, binding));
  });
});

describe('cursorColumns', () => {
  function slug(work: () => unknown): string | undefined {
    try {
      work();
    } catch (error) {
      return (error as ProblemException).problemType.slug;
    }
    return undefined;
  }

  it('should give one value per sort column, dates read back', () => {
    expect(cursorColumns({ date: '2025-04-30T08:15:00.000Z' }, 1)).toEqual([new Date('2025-04-30T08:15:00.000Z')]);
    expect(cursorColumns(['high', { date: '2025-04-30T08:15:00.000Z' }], 2)).toEqual(['high', new Date('2025-04-30T08:15:00.000Z')]);
    expect(cursorColumns([], 0)).toEqual([]);
  });

  it.each([
    ['a plain value for a composite sort', 'high', 2],
    ['too few values', ['high'], 2],
    ['an array for a one-column sort', ['x'], 1],
    ['an invalid date', [{ date: 'not a date' }, 'x'], 2],
  ])('should refuse %s as an invalid cursor', (_, value, columns) => {
    expect(slug(() => cursorColumns(value as CursorValue, columns))).toBe('invalid-cursor');
  });
});
