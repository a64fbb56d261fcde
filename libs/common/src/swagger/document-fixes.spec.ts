import type { OpenAPIObject } from '@nestjs/swagger';

import { patternMaxLength, withArrayItemConstraints, withDocumentFixes, withIntegerFormats, withOptionalRequestDefaults } from './document-fixes';

function documentOf(paths: Record<string, unknown>, schemas: Record<string, unknown> = {}): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas } } as unknown as OpenAPIObject;
}

const body = (name: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });

describe('the OpenAPI document fixes', () => {
  it('should move a request-only property’s default one level down, and leave answers’ schemas alone', () => {
    const document = withOptionalRequestDefaults(
      documentOf(
        { '/x': { post: { requestBody: body('Create'), responses: { 200: { description: 'ok', content: body('Shown').content } } } } },
        {
          Create: {
            type: 'object',
            properties: {
              locale: { allOf: [{ $ref: '#/components/schemas/Locale' }], default: 'en', description: 'Language' },
              zone: { type: 'string', default: 'UTC', maxLength: 64 },
            },
          },
          Shown: { type: 'object', properties: { locale: { type: 'string', default: 'en' } } },
          Locale: { type: 'string', enum: ['en', 'id'] },
        },
      ),
    );
    const schemas = document.components?.schemas as Record<string, { properties: Record<string, unknown> }>;
    expect(schemas.Create.properties.locale).toEqual({ description: 'Language', allOf: [{ $ref: '#/components/schemas/Locale' }, { default: 'en' }] });
    expect(schemas.Create.properties.zone).toEqual({ allOf: [{ type: 'string', maxLength: 64 }, { default: 'UTC' }] });
    expect(schemas.Shown.properties.locale).toEqual({ type: 'string', default: 'en' });
  });

  it('should move per-item string limits of the validator shim from the array to its items', () => {
    const document = withArrayItemConstraints(
      documentOf({}, { Q: { type: 'object', properties: { type: { type: 'array', maxItems: 50, maxLength: 100, items: { type: 'string' } } } } }),
    );
    expect((document.components?.schemas?.Q as { properties: Record<string, unknown> }).properties.type).toEqual({
      type: 'array',
      maxItems: 50,
      items: { type: 'string', maxLength: 100 },
    });
  });

  it('should give integers int32 within their 32-bit bounds and int64 otherwise', () => {
    const document = withIntegerFormats(
      documentOf(
        {},
        {
          N: {
            type: 'object',
            properties: {
              small: { type: 'integer', minimum: 0, maximum: 1000 },
              big: { type: 'integer', minimum: 0, maximum: 2 ** 40 },
              open: { type: 'integer' },
            },
          },
        },
      ),
    );
    const properties = (document.components?.schemas?.N as { properties: Record<string, { format?: string }> }).properties;
    expect([properties.small.format, properties.big.format, properties.open.format]).toEqual(['int32', 'int64', 'int64']);
  });

  it('should document the RateLimit headers on counted answers only: not on 401, 413, 415, nor on public operations', () => {
    const answers = () => ({ 200: { description: 'ok' }, 401: { description: 'no' }, 413: { description: 'big' }, 429: { description: 'slow' } });
    const document = withDocumentFixes(
      documentOf({ '/private': { get: { security: [{ bearer: [] }], responses: answers() } }, '/public': { get: { responses: answers() } } }),
    );
    const responses = (path: string) => (document.paths[path].get as { responses: Record<string, { headers?: Record<string, unknown> }> }).responses;
    expect(Object.keys(responses('/private')[200].headers ?? {})).toEqual([
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Access-Control-Allow-Origin',
    ]);
    expect(Object.keys(responses('/private')[429].headers ?? {})).toContain('Retry-After');
    expect(responses('/private')[401].headers).toBeUndefined();
    expect(responses('/private')[413].headers).toBeUndefined();
    expect(responses('/public')[200].headers).toBeUndefined();
    expect(document.paths['/public'].get?.security).toEqual([]);
  });
});

describe('the longest string a pattern matches', () => {
  it.each([
    ['^tnt_[0-9A-Z]{26}$', 30],
    ['^[^:]{1,100}:.{0,200}$', 301],
    ['^(ISO27001:A\\.\\d{1,2}\\.\\d{1,2}|PCI:\\d{1,2}(\\.\\d{1,3}){0,4})$', 22],
    ['^[A-Za-z0-9._:@-]{1,128}$', 128],
    ['^(?:ab|c)?d$', 3],
  ])('should bound %s at %d', (pattern, length) => {
    expect(patternMaxLength(pattern)).toBe(length);
  });

  it.each(['^a+$', '^a*$', '^a{2,}$', 'abc', '^(a)\\1$', '^[^\\u0000-\\u001f]*$'])('should find no bound for %s', (pattern) => {
    expect(patternMaxLength(pattern)).toBeUndefined();
  });
});
