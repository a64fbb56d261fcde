import { oneTenant, PlainSql, Prisma } from '@app/database';

import { sqlFilter } from './alerts.repository';

/** A PlainSql that answers the probe of sqlFilter and counts the statements it was asked. */
function probeSql(found: { suppressed: boolean; shelved: boolean }): { sql: PlainSql; statements: Prisma.Sql[] } {
  const statements: Prisma.Sql[] = [];
  const sql = {
    read: (query: Prisma.Sql) => {
      statements.push(query);
      return Promise.resolve([found]);
    },
  } as unknown as PlainSql;
  return { sql, statements };
}

describe('sqlFilter', () => {
  const scope = oneTenant('tnt_01');

  it('should drop the default conditions the scope has no rows for, after one probe', async () => {
    const { sql, statements } = probeSql({ suppressed: false, shelved: false });
    const prepared = await sqlFilter(sql, { shelved: 'false', severity: ['high'] }, scope);
    expect(prepared).toEqual({ shelved: 'any', suppressed: 'any', severity: ['high'] });
    expect(statements).toHaveLength(1);
  });

  it('should keep a default condition that excludes rows', async () => {
    const { sql } = probeSql({ suppressed: true, shelved: false });
    expect(await sqlFilter(sql, { shelved: 'false' }, scope)).toEqual({ shelved: 'any' });
  });

  it('should not probe again for a filter it prepared (a list reads its count and its page with it)', async () => {
    const { sql, statements } = probeSql({ suppressed: true, shelved: true });
    const prepared = await sqlFilter(sql, { shelved: 'false' }, scope);
    expect(prepared).toEqual({ shelved: 'false' });
    expect(await sqlFilter(sql, prepared, scope)).toBe(prepared);
    expect(await sqlFilter(sql, { ...prepared }, scope)).toEqual(prepared); // a copy is not known: probed again
    expect(statements).toHaveLength(2);
  });

  it('should probe again for a filter prepared for another tenant, whose alerts may differ', async () => {
    const { sql, statements } = probeSql({ suppressed: true, shelved: true });
    const prepared = await sqlFilter(sql, { shelved: 'false' }, scope);
    expect(await sqlFilter(sql, prepared, oneTenant('tnt_02'))).toEqual({ shelved: 'false' });
    expect(statements).toHaveLength(2);
  });

  it('should not probe when the filter asks for suppressed and shelved alerts itself', async () => {
    const { sql, statements } = probeSql({ suppressed: true, shelved: true });
    expect(await sqlFilter(sql, { suppressed: 'true', shelved: 'any' }, scope)).toEqual({ suppressed: 'true', shelved: 'any' });
    expect(statements).toHaveLength(0);
  });
});
