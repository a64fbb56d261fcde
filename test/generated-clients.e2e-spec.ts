import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { http, startApi, TestApi } from './utils/api';
import { World } from './utils/world';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const CLIENTS = join(__dirname, 'clients');
// Each CLI is run as a user would run it, with nothing sent anywhere but to the api under test.
const QUIET = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
const SLOW = 240_000;

/** What orval is told: its fetch client, through the mutator test/clients/orval-fetch.ts. */
const ORVAL_CONFIG = `module.exports = { api: { input: './openapi.json', output: { target: './orval/api.ts', client: 'fetch', mode: 'single', override: { mutator: { path: './orval-fetch.ts', name: 'customFetch' } } } } };\n`;
/** The strictest settings a client user is likely to have. */
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'esnext',
    moduleResolution: 'bundler',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    skipLibCheck: true,
  },
  include: ['*.ts', 'openapi-typescript', 'hey-api', 'orval'],
};

async function cli(dir: string, name: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(join(BIN, name), args, { cwd: dir, env: QUIET, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; code?: number };
    return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', code: failed.code ?? 1 };
  }
}

describe('generated clients and the linted OpenAPI document (the served /openapi.json, untouched)', () => {
  let api: TestApi;
  let world: World;
  let dir: string;
  let token: string;

  beforeAll(async () => {
    process.env.EXPORTS_IN_PROCESS = 'true';
    api = await startApi();
    world = new World();
    token = world.token(await world.tenant('SDK'), ['alerts:read', 'alerts:write', 'exports:read', 'exports:write']);
    dir = mkdtempSync(join(tmpdir(), 'alert-ledger-clients-'));
    const document = await http(api, 'GET', '/openapi.json');
    writeFileSync(join(dir, 'openapi.json'), document.text);
    for (const file of readdirSync(CLIENTS)) copyFileSync(join(CLIENTS, file), join(dir, file));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'orval.config.cjs'), ORVAL_CONFIG);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  }, SLOW);

  afterAll(async () => {
    delete process.env.EXPORTS_IN_PROCESS;
    await api.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'should pass Spectral (spectral:oas and the OWASP API Security ruleset) with no error',
    async () => {
      // The ruleset's overrides name `openapi.json#/…` relative to the ruleset, so it is linted beside a copy.
      copyFileSync(join(ROOT, '.spectral.yaml'), join(dir, '.spectral.yaml'));
      const result = await cli(dir, 'spectral', [
        'lint',
        'openapi.json',
        '--ruleset',
        '.spectral.yaml',
        '--format',
        'json',
        '--output',
        'spectral.json',
        '--fail-severity',
        'error',
        '--quiet',
      ]);
      const findings = JSON.parse(readFileSync(join(dir, 'spectral.json'), 'utf8')) as { code: string; severity: number; path: string[]; message: string }[];
      const errors = findings.filter((finding) => finding.severity === 0);
      expect(errors.map((error) => `${error.code}: ${error.path.join('.')}: ${error.message}`)).toEqual([]);
      expect(result.code).toBe(0);
    },
    SLOW,
  );

  it(
    'should pass Redocly’s recommended rules with no error',
    async () => {
      const result = await cli(dir, 'redocly', ['lint', 'openapi.json', '--config', join(ROOT, 'redocly.yaml'), '--format', 'json']);
      const report = JSON.parse(result.stdout) as {
        totals: { errors: number };
        problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
      };
      expect(
        report.problems
          .filter((problem) => problem.severity === 'error')
          .map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}: ${problem.message}`),
      ).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(result.code).toBe(0);
    },
    SLOW,
  );

  describe('three generators', () => {
    beforeAll(async () => {
      const generated = await Promise.all([
        cli(dir, 'openapi-typescript', ['openapi.json', '--output', 'openapi-typescript/schema.ts']),
        cli(dir, 'openapi-ts', ['--input', 'openapi.json', '--output', 'hey-api', '--client', '@hey-api/client-fetch', '--no-log-file', '--silent']),
        cli(dir, 'orval', ['--config', 'orval.config.cjs']),
      ]);
      for (const result of generated) expect(result).toEqual(expect.objectContaining({ code: 0 }));
    }, SLOW);

    it(
      'should generate clients that compile under tsc --strict with no hand edits',
      async () => {
        const result = await cli(dir, 'tsc', ['--project', 'tsconfig.json']);
        expect(result.stdout + result.stderr).toBe('');
        expect(result.code).toBe(0);
      },
      SLOW,
    );

    it.each(['openapi-fetch', 'hey-api', 'orval'])(
      'should run the scenario through %s: filtered cursor pages, create, acknowledge with If-Match, export, poll, download with the status’s SHA-256',
      async (client) => {
        const result = await run(join(BIN, 'tsx'), [`${client}.ts`], { cwd: dir, env: { ...QUIET, BASE_URL: api.baseUrl, TOKEN: token } }).catch(
          (error: { stdout: string; stderr: string }) => error,
        );
        expect(result.stderr).toBe('');
        const outcome = JSON.parse(result.stdout) as { pages: number; listed: number; acknowledged: string; bytes: number; sha256: string };
        expect(outcome).toEqual(expect.objectContaining({ pages: 2, listed: 3, acknowledged: 'acknowledged' }));
        expect(outcome.bytes).toBeGreaterThan(0);
        expect(outcome.sha256).toMatch(/^[0-9a-f]{64}$/);
      },
      SLOW,
    );
  });
});
