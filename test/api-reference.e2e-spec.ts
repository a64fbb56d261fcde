import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

import type { OpenAPIObject } from '@nestjs/swagger';

import { GENERATED_END, GENERATED_START, withApiReference } from '../apps/api/src/openapi/api-reference';
import { http, startApi, TestApi } from './utils/api';

/** docs/API.md lists what the served OpenAPI document says; `npm run docs:api` rewrites it (UPDATE_API_REFERENCE=1). */
describe('the API reference in docs/API.md', () => {
  const file = join(__dirname, '..', 'docs', 'API.md');
  let api: TestApi;
  let document: OpenAPIObject;

  beforeAll(async () => {
    api = await startApi();
    document = (await http<OpenAPIObject>(api, 'GET', '/openapi.json')).body;
  });

  afterAll(() => api.close());

  it('should match the served OpenAPI document (run `npm run docs:api` after changing an operation)', () => {
    const expected = withApiReference(readFileSync(file, 'utf8'), document);
    if (process.env.UPDATE_API_REFERENCE === '1') writeFileSync(file, expected);
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('should describe every operation and every schema of the document', () => {
    const generated = readFileSync(file, 'utf8').split(GENERATED_START)[1].split(GENERATED_END)[0];
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `### ${method.toUpperCase()} ${path}\n`));
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.filter((heading) => !generated.includes(heading))).toEqual([]);
    expect(Object.keys(document.components?.schemas ?? {}).filter((name) => !generated.includes(`### ${name}\n`))).toEqual([]);
  });

  it('should link nothing outside the repository from README.md or docs/', () => {
    const root = join(__dirname, '..');
    const files = [
      'README.md',
      'CHANGELOG.md',
      ...readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join('docs', name)),
    ];
    const outside = files.flatMap((name) => {
      const text = readFileSync(join(root, name), 'utf8');
      const links = [...text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((match) => match[1]).filter((target) => !/^([a-z]+:|\/)/i.test(target));
      const escaping = links.filter((target) => !resolve(root, dirname(name), target).startsWith(root + sep));
      const named = [...text.matchAll(/\.\.\/shared\/|shared\/(?:design|seeds)\//g)].map((match) => match[0]);
      return [...escaping, ...named].map((hit) => `${name}: ${hit}`);
    });
    expect(outside).toEqual([]);
  });
});
