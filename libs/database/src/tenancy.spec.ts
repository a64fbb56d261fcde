import { CrossTenantWriteError, scopeArgs } from './tenancy';

describe('scopeArgs', () => {
  it('should add the tenant beside a unique lookup instead of replacing its id', () => {
    expect(scopeArgs('Tenant', 'findUnique', { where: { id: 'tnt_B' } }, 'tnt_A')).toEqual({ where: { id: 'tnt_B', AND: [{ id: 'tnt_A' }] } });
  });

  it('should keep the caller AND conditions and add the tenant to reads, counts and updates', () => {
    for (const operation of ['findMany', 'count', 'updateMany', 'deleteMany', 'update']) {
      expect(scopeArgs('Alert', operation, { where: { status: 'open', AND: { severity: 'high' } } }, 'tnt_A')).toEqual({
        where: { status: 'open', AND: [{ severity: 'high' }, { tenantId: 'tnt_A' }] },
      });
    }
    expect(scopeArgs('Alert', 'findMany', undefined, 'tnt_A')).toEqual({ where: { AND: [{ tenantId: 'tnt_A' }] } });
  });

  it('should set the tenant on creates and refuse another tenant', () => {
    expect(scopeArgs('Alert', 'create', { data: { title: 'x' } }, 'tnt_A')).toEqual({ data: { title: 'x', tenantId: 'tnt_A' } });
    expect(scopeArgs('Alert', 'createMany', { data: [{ title: 'x' }, { title: 'y', tenantId: 'tnt_A' }] }, 'tnt_A').data).toEqual([
      { title: 'x', tenantId: 'tnt_A' },
      { title: 'y', tenantId: 'tnt_A' },
    ]);
    expect(() => scopeArgs('Alert', 'create', { data: { tenantId: 'tnt_B' } }, 'tnt_A')).toThrow(CrossTenantWriteError);
  });

  it('should leave models without a tenant alone', () => {
    expect(scopeArgs('Unrelated', 'findMany', { where: { a: 1 } }, 'tnt_A')).toEqual({ where: { a: 1 } });
  });
});
