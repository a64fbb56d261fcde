/** Unit and integration specs beside the code, e2e specs in test/; one database and Redis prefix per run (test/setup). */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const transform = {
  '^.+\\.ts$': [
    'ts-jest',
    {
      tsconfig: 'tsconfig.json',
      // The same Swagger plugin as `nest build`, so the OpenAPI document under test is the one we ship.
      astTransformers: {
        before: ['<rootDir>/test/setup/swagger-transformer.js'],
      },
    },
  ],
};
// Three dependencies ship ESM only: content-disposition 3 (used by @fastify/static, which serves Swagger UI),
// the schema engine's wasm bindings and jose 6 (JWT verification). Node 20 runs them through require(esm), Jest does not, so
// Jest compiles them to CommonJS.
const esmOnly = ['content-disposition', '@prisma/schema-engine-wasm', 'jose'];
transform[`^.+/node_modules/(${esmOnly.join('|')})/.+\\.js$`] = [
  'ts-jest',
  { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022' }, isolatedModules: true },
];
const transformIgnorePatterns = [`/node_modules/(?!(${esmOnly.join('|')})/)`];
const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });
const shared = {
  rootDir: __dirname,
  setupFiles: ['reflect-metadata'],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
};

module.exports = {
  // e2e specs start servers, Chromium and CLI processes; no timing is asserted anywhere.
  testTimeout: 60000,
  // One spec file at a time (they share the run's database and Redis prefix), in a worker process that is
  // replaced once a file leaves it above 1.5 GB: in one process the heap grew by about 40 MB a file and passed
  // node's 4 GB after ~100 of them (what a file leaves alive is still to be found).
  maxWorkers: 1,
  workerIdleMemoryLimit: '1.5GB',
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  projects: [
    // packages/* are plain JavaScript published on their own (packages/verify: the offline verifier); Jest runs them untransformed.
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/packages/*/test/**/*.spec.js'],
    },
    // A library's providers on a database of the suite's own, without HTTP (test/utils/integration.ts).
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/libs/**/*.int-spec.ts', '<rootDir>/apps/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
