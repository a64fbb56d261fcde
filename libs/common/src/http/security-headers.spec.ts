import { DOCS_SECURITY_HEADERS, SECURITY_HEADERS, securityHeadersFor } from './security-headers';

describe('securityHeadersFor', () => {
  it('should drop upgrade-insecure-requests for Swagger UI only', () => {
    expect(DOCS_SECURITY_HEADERS['content-security-policy']).not.toContain('upgrade-insecure-requests');
    for (const url of ['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs?x=1']) expect(securityHeadersFor(url)).toBe(DOCS_SECURITY_HEADERS);
    for (const url of ['/v1/alerts', '/docsx', '/openapi.json', '/problems/validation-error']) expect(securityHeadersFor(url)).toBe(SECURITY_HEADERS);
    expect(SECURITY_HEADERS['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
