// @ts-check
'use strict';
/** The verifier as a library: the same checks the command runs, and the pieces they are made of. */
const { readZip, ZipError } = require('./zip');
const { verifyPack, UsageError, PACK_FILES } = require('./pack');
const { verifyExport, canonicalJson } = require('./export');
const { leafHash, nodeHash, verifyInclusion, verifyConsistency } = require('./merkle');
const { FormatError, parseKeys, parseNote, verifyNote, parseCheckpoint, verifyDetached, noteKeyHash } = require('./note');

module.exports = {
  readZip,
  ZipError,
  verifyPack,
  verifyExport,
  canonicalJson,
  UsageError,
  PACK_FILES,
  leafHash,
  nodeHash,
  verifyInclusion,
  verifyConsistency,
  FormatError,
  parseKeys,
  parseNote,
  verifyNote,
  parseCheckpoint,
  verifyDetached,
  noteKeyHash,
};
