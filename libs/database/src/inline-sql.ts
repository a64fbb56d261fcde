import { escapeLiteral } from 'pg';

import { Prisma } from './generated/prisma/client';

/**
 * The statement with its values written into the text as SQL literals, for the simple query protocol,
 * which sends several statements in one message but takes no parameters. Only the values the hot
 * paths bind are accepted; anything else throws rather than be written in some guessed form.
 */
export function inlineSql(query: Prisma.Sql): string {
  return query.strings.reduce((text, part, i) => text + literal(query.values[i - 1]) + part);
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    // The protocol ends a message's text at a NUL: the rest of the statement would be cut off.
    if (value.includes('\0')) throw new TypeError('inlineSql: a NUL byte cannot be written into a statement');
    return escapeLiteral(value);
  }
  if (typeof value === 'bigint') return value < 0n ? `(${value})` : String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`inlineSql: ${value} is not a SQL number`);
    // In parentheses when negative: "x-${-1}" would otherwise begin a comment.
    return value < 0 ? `(${value})` : String(value);
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  // Dates too: pg writes a parameter's Date in the process's time zone, which a literal would have to copy.
  throw new TypeError(`inlineSql: a ${Object.prototype.toString.call(value).slice(8, -1)} value is not written inline`);
}
