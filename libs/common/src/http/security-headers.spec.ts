import { DOCS_SECURITY_HEADERS, SECURITY_HEADERS, securityHeadersFor } from './security-headers';

describe('securityHeadersFor', () => {
  it('should give helmet’s headers, and drop upgrade-insecure-requests for Swagger UI only', () => {
    expect(SECURITY_HEADERS).toEqual(
      expect.objectContaining({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
      }),
    );
    expect(SECURITY_HEADERS['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(SECURITY_HEADERS['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(DOCS_SECURITY_HEADERS['content-security-policy']).toBe(SECURITY_HEADERS['content-security-policy'].replace(';upgrade-insecure-requests', ''));
    for (const url of ['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs?x=1']) expect(securityHeadersFor(url)).toBe(DOCS_SECURITY_HEADERS);
    for (const url of ['/v1/alerts', '/docsx', '/openapi.json', '/problems/validation-error']) expect(securityHeadersFor(url)).toBe(SECURITY_HEADERS);
  });
});
