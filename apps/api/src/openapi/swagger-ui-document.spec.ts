import type { OpenAPIObject } from '@nestjs/swagger';

import { forSwaggerUi } from './swagger-ui-document';

describe('forSwaggerUi', () => {
  const document = {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/v1/alerts': {
        get: {
          parameters: [
            {
              name: 'type',
              in: 'query',
              required: false,
              description: 'Alert types (OR)',
              schema: { type: 'array', items: { type: 'string' }, example: ['brute_force', 'malware'] },
            },
            { name: 'page_size', in: 'query', required: false, schema: { type: 'integer', default: 20 } },
            { name: 'q', in: 'query', required: false, example: 'vpn', schema: { type: 'string' } },
            { name: 'id', in: 'path', required: true, schema: { type: 'string', example: 'alr_1' } },
          ],
        },
      },
    },
  } as unknown as OpenAPIObject;

  it('should move the examples of optional query parameters into their description, keep defaults, and leave the original alone', () => {
    const [type, pageSize, q, id] = (forSwaggerUi(document).paths['/v1/alerts'].get?.parameters ?? []) as unknown as Record<string, unknown>[];
    expect(type).toEqual({
      name: 'type',
      in: 'query',
      required: false,
      description: 'Alert types (OR). Example: `brute_force,malware`',
      schema: { type: 'array', items: { type: 'string' } },
    });
    expect(pageSize.schema).toEqual({ type: 'integer', default: 20 });
    expect(q).toEqual({ name: 'q', in: 'query', required: false, description: 'Example: `vpn`', schema: { type: 'string' } });
    expect(id.schema).toEqual({ type: 'string', example: 'alr_1' });
    expect(JSON.stringify(document)).toContain('brute_force');
    expect((document.paths['/v1/alerts'].get?.parameters?.[0] as { schema: { example: unknown } }).schema.example).toEqual(['brute_force', 'malware']);
  });
});
