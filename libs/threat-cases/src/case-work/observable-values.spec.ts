import { normaliseObservable, observableDigest, observableSearchDigests } from './observable-values';

describe('observable values', () => {
  it('should keep an IPv4 address and write an IPv6 address in its canonical form', () => {
    expect(normaliseObservable('ip', '203.0.113.7')).toEqual({ value: '203.0.113.7' });
    expect(normaliseObservable('ip', '2001:DB8:0:0:0:0:0:1')).toEqual({ value: '2001:db8::1' });
  });

  it('should refuse what is not a value of its type', () => {
    expect(normaliseObservable('ip', '203.0.113.256')).toHaveProperty('error');
    expect(normaliseObservable('url', 'example.com/no-scheme')).toHaveProperty('error');
    expect(normaliseObservable('hash', 'a'.repeat(33))).toHaveProperty('error');
    expect(normaliseObservable('hash', 'g'.repeat(32))).toHaveProperty('error');
    expect(normaliseObservable('domain', 'two words.example')).toHaveProperty('error');
    expect(normaliseObservable('email', 'no-at-sign')).toHaveProperty('error');
  });

  it('should lower-case hashes, domains and emails and keep other types as given', () => {
    expect(normaliseObservable('hash', 'A'.repeat(40))).toEqual({ value: 'a'.repeat(40) });
    expect(normaliseObservable('domain', 'Evil.Example.')).toEqual({ value: 'evil.example' });
    expect(normaliseObservable('email', 'Bob@Example.COM')).toEqual({ value: 'bob@example.com' });
    expect(normaliseObservable('user', 'Bob')).toEqual({ value: 'Bob' });
  });

  it('should search a value under its normalised form for the types it is valid for', () => {
    expect(observableSearchDigests('Evil.Example')).toContain(observableDigest('evil.example'));
    expect(observableSearchDigests('Evil.Example', ['user'])).toEqual([observableDigest('Evil.Example')]);
    expect(observableSearchDigests('2001:DB8::0:1', ['ip'])).toContain(observableDigest('2001:db8::1'));
  });
});
