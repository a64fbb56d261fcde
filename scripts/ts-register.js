/**
 * Runs the TypeScript sources in a plain Node process (the e2e tests start real worker processes and
 * kill them): each .ts file is transpiled on require with the project's compiler options, decorator
 * metadata included (which tsx/esbuild cannot emit and Nest's dependency injection needs), and the
 * `@app/*` path aliases resolve to libs/. Usage: node -r ./scripts/ts-register.js apps/worker/src/main.ts
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));
const options = {
  ...ts.convertCompilerOptionsFromJson(compilerOptions, root).options,
  sourceMap: false,
  inlineSourceMap: true,
  declaration: false,
  noEmit: false,
  incremental: false,
};

const aliases = Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
  alias.replace('/*', ''),
  path.join(root, target.replace('/*', '')),
  alias.endsWith('/*'),
]);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  for (const [alias, target, wildcard] of aliases) {
    if (!wildcard && request === alias) return resolve.call(this, target, parent, ...rest);
    if (wildcard && request.startsWith(`${alias}/`)) return resolve.call(this, path.join(target, request.slice(alias.length + 1)), parent, ...rest);
  }
  return resolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: options, fileName: filename });
  module._compile(outputText, filename);
};
