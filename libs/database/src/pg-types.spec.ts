import { types } from 'pg';

import { parseTimestamptz } from './pg-types';

const pgParse = types.getTypeParser(1184, 'text') as (text: string) => Date | number | null;

describe('parseTimestamptz', () => {
  it('should read every form PostgreSQL writes as pg itself does', () => {
    const texts = [
      '2026-10-01 12:00:00+00',
      '2026-10-01 12:00:00.1+00',
      '2026-10-01 12:00:00.12+07',
      '2026-10-01 12:00:00.123-03:30',
      '2026-10-01 23:59:59.999+05:45',
      '2026-10-01 00:00:00.123456+00',
      '2024-02-29 12:00:00-12',
      '1000-01-01 00:00:00+14',
      '9999-12-31 23:59:59.999+00',
      '1900-01-01 00:00:00+07:07:12',
      '0099-06-01 10:00:00+00',
      '2020-01-01 00:00:00+00 BC',
      '12020-01-01 00:00:00+00',
      'infinity',
      '-infinity',
    ];
    for (let i = 0; i < 3_000; i++) {
      const at = new Date(Date.UTC(1970, 0, 1) + Math.floor(Math.abs(Math.sin(i + 1)) * 2e12));
      const offset = ((i % 29) - 14) * 60 + (i % 3) * 15; // -14:00 to +14:30, quarter hours
      const local = new Date(at.getTime() + offset * 60_000).toISOString();
      const sign = offset < 0 ? '-' : '+';
      const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
      const mm = Math.abs(offset) % 60;
      const fraction = ['', `.${local.slice(20, 21)}`, `.${local.slice(20, 23)}`][i % 3];
      texts.push(`${local.slice(0, 10)} ${local.slice(11, 19)}${fraction}${sign}${hh}${mm ? `:${String(mm).padStart(2, '0')}` : ''}`);
    }
    for (const text of texts) {
      const expected = pgParse(text);
      const actual = parseTimestamptz(text) as unknown;
      expect({ text, value: actual instanceof Date ? actual.getTime() : actual }).toEqual({
        text,
        value: expected instanceof Date ? expected.getTime() : expected,
      });
    }
  });

  it('should hand malformed text to pg rather than guess', () => {
    for (const text of ['2026-1x-01 12:00:00+00', '2026-10-01 12:00:00.+00', '2026-10-01 12:00:00+0', '2026-10-01T12:00:00+00']) {
      const expected = pgParse(text);
      const actual = parseTimestamptz(text) as unknown;
      expect(actual instanceof Date && expected instanceof Date ? actual.getTime() : actual).toEqual(expected instanceof Date ? expected.getTime() : expected);
    }
  });
});
