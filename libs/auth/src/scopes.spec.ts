import { AUDITOR_SCOPES, effectiveScopes } from './scopes';

describe('effective scopes', () => {
  it('should give an auditor exactly the read and export scopes, dropping writes and admin', () => {
    const scopes = effectiveScopes(['auditor', 'alerts:write', 'admin']);
    expect([...scopes].sort()).toEqual(['auditor', ...AUDITOR_SCOPES].sort());
    expect(AUDITOR_SCOPES.filter((scope) => !/:read$/.test(scope))).toEqual(['exports:write']);
  });

  it('should leave other credentials as they are', () => {
    expect([...effectiveScopes(['alerts:read', 'alerts:write'])]).toEqual(['alerts:read', 'alerts:write']);
  });
});
