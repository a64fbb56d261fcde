import { ProblemException } from '../problem/problem.exception';
import { CursorCodec } from './cursor-codec';

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
});
