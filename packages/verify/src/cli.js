// @ts-check
'use strict';
/**
 * `alert-ledger-verify pack.zip [--keys keys.json] [--since earlier-checkpoint.txt] [--consistency proof.json]`,
 * or for an export of any format `alert-ledger-verify --export job.json --keys keys.json [downloaded-file]`:
 * one line a check on stdout (`ok <check>: <detail>` or `FAIL <check>: <reason>`), exit code 0 when every
 * check passed, 1 when one failed, 2 when the command line or an input file could not be used (a message
 * on stderr, no check lines).
 */
const { readFileSync } = require('node:fs');
const { parseArgs } = require('node:util');

const { readZip, ZipError } = require('./zip');
const { verifyPack, UsageError } = require('./pack');
const { verifyExport } = require('./export');

const USAGE = `usage: alert-ledger-verify pack.zip [--keys keys.json] [--since earlier-checkpoint.txt] [--consistency proof.json]
       alert-ledger-verify --export job.json --keys keys.json [downloaded-file]

  --keys FILE         the public keys you trust (a JWKS as GET /.well-known/alert-ledger/keys answers it, or
                      C2SP verifier keys one a line); without it the pack's own keys.json is used
  --since FILE        a checkpoint you kept from earlier (checkpoint.txt of an earlier pack, or the answer of
                      GET /v1/audit-trail/checkpoints/latest): checks that the log only grew since
  --consistency FILE  the answer of GET /v1/audit-trail/consistency?first=M&second=N, M the earlier tree size,
                      N the pack's (the verifier names both when it needs the file)
  --export FILE       the answer of GET /v1/exports/{id} of a completed export of any format: checks its
                      manifest's signature (needs --keys) and, given the downloaded file, its SHA-256

exit code: 0 every check passed, 1 a check failed, 2 unusable command line or input`;

/**
 * @param {string[]} args the arguments after the program name
 * @param {{ out: (line: string) => void, err: (line: string) => void }} io
 * @returns {number} the exit code
 */
function main(args, io) {
  /** @type {{ values: { keys?: string, since?: string, consistency?: string, export?: string, help?: boolean }, positionals: string[] }} */
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        keys: { type: 'string' },
        since: { type: 'string' },
        consistency: { type: 'string' },
        export: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`alert-ledger-verify: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (values.export !== undefined) {
    if (!values.keys || values.since || values.consistency || positionals.length > 1) {
      io.err(`alert-ledger-verify: --export takes --keys and at most one downloaded file, not --since or --consistency\n${USAGE}`);
      return 2;
    }
    const exportFile = values.export;
    const keysFile = values.keys;
    return report(io, () =>
      verifyExport({ job: readFileSync(exportFile), keys: readFileSync(keysFile), file: positionals.length ? readFileSync(positionals[0]) : null }),
    );
  }
  if (positionals.length !== 1) {
    io.err(`alert-ledger-verify: give exactly one evidence pack\n${USAGE}`);
    return 2;
  }
  if (values.consistency && !values.since) {
    io.err('alert-ledger-verify: --consistency goes with --since');
    return 2;
  }
  const { keys, since, consistency } = values;
  return report(io, () =>
    verifyPack({
      files: readZip(readFileSync(positionals[0])),
      keys: keys ? readFileSync(keys) : null,
      since: since ? readFileSync(since) : null,
      consistency: consistency ? readFileSync(consistency) : null,
    }),
  );
}

/**
 * Prints the checks' lines and answers the exit code; an unusable input prints its message instead (2).
 * @param {{ out: (line: string) => void, err: (line: string) => void }} io
 * @param {() => import('./pack').Result[]} checks
 * @returns {number}
 */
function report(io, checks) {
  try {
    const results = checks();
    for (const result of results) io.out(`${result.ok ? 'ok' : 'FAIL'} ${result.check}: ${result.detail}`);
    return results.every((result) => result.ok) ? 0 : 1;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ZipError) {
      io.err(`alert-ledger-verify: ${error.message}`);
      return 2;
    }
    const code = error && typeof error === 'object' && 'code' in error ? error.code : null;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      io.err(`alert-ledger-verify: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    throw error;
  }
}

module.exports = { main };
