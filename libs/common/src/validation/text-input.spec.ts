import { jsonTextViolations, MAX_JSON_DEPTH, parseQuery, textFault } from './text-input';

describe('text inputs', () => {
  it('should tell a NUL, a lone surrogate and replaced bytes from clean text, paired surrogates included', () => {
    expect(['plain', 'emoji 🚨', '서버', 'a\u0000b', 'x\ud800', '\udc00y', 'bad \ufffd'].map((text) => textFault(text, { lossy: true }))).toEqual([
      null,
      null,
      null,
      'nul',
      'surrogate',
      'surrogate',
      'utf8',
    ]);
    expect(textFault('a\u0000b', { allowNul: true })).toBeNull();
    expect(textFault('a legitimate \ufffd')).toBeNull();
  });

  it('should name the member of a JSON body that holds the fault, keys included', () => {
    const body = { items: [{ labels: { ok: 'yes', env: 'pr\u0000od' } }], ['bad\u0000key']: 1 };
    expect(jsonTextViolations(body).map((v) => [v.field, v.pointer])).toEqual([
      ['bad\u0000key', '/body/bad\u0000key'],
      ['items[0].labels.env', '/body/items/0/labels/env'],
    ]);
  });

  it('should stop at the depth limit without recursion, however deep the body', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const [violation] = jsonTextViolations({ a: deep });
    expect(violation).toEqual(expect.objectContaining({ code: 'range', pointer: `/body/a${'/0'.repeat(MAX_JSON_DEPTH - 1)}` }));
    let allowed: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) allowed = [allowed];
    expect(jsonTextViolations(allowed)).toEqual([]);
  });

  it('should parse a query as browsers encode it and list the parameters that are not UTF-8', () => {
    const parsed = parseQuery('q=a+b%20c&sev=high&sev=low&__proto__=x&bad=%FF&worse=%zz&flag');
    expect({ ...parsed.values }).toEqual({ q: 'a b c', sev: ['high', 'low'], ['__proto__']: 'x', bad: '%FF', worse: '%zz', flag: '' });
    expect(Object.getPrototypeOf(parsed.values)).toBeNull();
    expect(parsed.undecodable).toEqual(['bad', 'worse']);
  });
});
