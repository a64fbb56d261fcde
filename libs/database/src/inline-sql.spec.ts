import { Prisma } from './generated/prisma/client';
import { inlineSql } from './inline-sql';

describe('inlineSql', () => {
  it('writes each value where its placeholder was, as a literal', () => {
    expect(inlineSql(Prisma.sql`SELECT ${'a'}, ${42}, ${7n}, ${true}, ${null}, ${undefined}`)).toBe("SELECT 'a', 42, 7, TRUE, NULL, NULL");
  });

  it('escapes quotes and backslashes, so a value cannot end its literal', () => {
    const text = inlineSql(Prisma.sql`SELECT ${"x'; DROP TABLE t; --"}, ${'a\\b'}`);
    expect(text).toBe(`SELECT 'x''; DROP TABLE t; --',  E'a\\\\b'`);
  });

  it('keeps dollar quotes, escape-string prefixes and comment marks inside the literal', () => {
    expect(inlineSql(Prisma.sql`SELECT ${"$$ $1 E'x' -- /* */"}`)).toBe(`SELECT '$$ $1 E''x'' -- /* */'`);
  });

  it('puts negative numbers in parentheses, so that a minus before them does not begin a comment', () => {
    expect(inlineSql(Prisma.sql`SELECT 1-${-1}, 1-${-2n}`)).toBe('SELECT 1-(-1), 1-(-2)');
  });

  it('keeps nested fragments and statements without values as they are', () => {
    expect(inlineSql(Prisma.sql`SELECT ${Prisma.raw('now()')} WHERE x IN (${Prisma.join([1, 2])})`)).toBe('SELECT now() WHERE x IN (1,2)');
    expect(inlineSql(Prisma.sql`COMMIT`)).toBe('COMMIT');
  });

  it('refuses what it cannot write faithfully: NUL bytes, NaN, buffers, dates, objects', () => {
    expect(() => inlineSql(Prisma.sql`SELECT ${'a\0b'}`)).toThrow(/NUL/);
    expect(() => inlineSql(Prisma.sql`SELECT ${Number.NaN}`)).toThrow(/not a SQL number/);
    expect(() => inlineSql(Prisma.sql`SELECT ${Buffer.from('x')}`)).toThrow(/Uint8Array value/);
    expect(() => inlineSql(Prisma.sql`SELECT ${new Date(0)}`)).toThrow(/Date value/);
    expect(() => inlineSql(Prisma.sql`SELECT ${Object.create(null)}`)).toThrow(/Object value/);
  });
});
