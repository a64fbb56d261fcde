#!/usr/bin/env node
// @ts-check
'use strict';
const { main } = require('../src/cli');

process.exitCode = main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
