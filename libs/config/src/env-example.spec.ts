import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ENV_SCHEMA, parseEnv } from './env.schema';

describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
  const entries = Object.fromEntries(
    text
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  it('should document every variable the services read, and no other', () => {
    expect(Object.keys(entries).sort()).toEqual(Object.keys(ENV_SCHEMA).sort());
  });

  it('should hold a configuration that passes validation', () => {
    expect(() => parseEnv(entries)).not.toThrow();
  });
});
