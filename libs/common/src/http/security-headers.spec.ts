import { DOCS_HELMET_OPTIONS, isDocsUrl } from './security-headers';

describe('security headers', () => {
  it('should give Swagger UI its own policy, and only Swagger UI', () => {
    for (const url of ['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs?x=1']) expect(isDocsUrl(url)).toBe(true);
    for (const url of ['/v1/alerts', '/docsx', '/openapi.json', '/problems/validation-error']) expect(isDocsUrl(url)).toBe(false);
    expect(DOCS_HELMET_OPTIONS.contentSecurityPolicy).toEqual(expect.objectContaining({ directives: expect.objectContaining({ 'upgrade-insecure-requests': null }) }));
  });
});
