// @ts-check
'use strict';
/**
 * RFC 9162 §2.1 written as the RFC writes it, recursively and without shortcuts, so that the verifier's
 * iterative algorithms are checked against the definitions rather than against themselves.
 */
const { createHash } = require('node:crypto');

const { leafHash, nodeHash } = require('../src/merkle');

/** @param {number} n n > 1 @returns {number} the largest power of two smaller than n */
function split(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * MTH(D[n]) over leaf hashes (the leaves already hashed with 0x00).
 * @param {Buffer[]} leaves
 * @returns {Buffer}
 */
function mth(leaves) {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0];
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/**
 * PATH(m, D[n]): the inclusion proof of leaf m.
 * @param {number} m
 * @param {Buffer[]} leaves
 * @returns {Buffer[]}
 */
function path(m, leaves) {
  if (leaves.length === 1) return [];
  const k = split(leaves.length);
  return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

/**
 * SUBPROOF(m, D[n], b)
 * @param {number} m
 * @param {Buffer[]} leaves
 * @param {boolean} complete whether D[0:m] is a whole subtree of the first tree
 * @returns {Buffer[]}
 */
function subproof(m, leaves, complete) {
  const n = leaves.length;
  if (m === n) return complete ? [] : [mth(leaves)];
  const k = split(n);
  return m <= k ? [...subproof(m, leaves.slice(0, k), complete), mth(leaves.slice(k))] : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

/**
 * PROOF(m, D[n]): the consistency proof from the tree of the first m leaves to all n (0 < m <= n).
 * @param {number} m
 * @param {Buffer[]} leaves
 * @returns {Buffer[]}
 */
function proof(m, leaves) {
  return subproof(m, leaves, true);
}

/**
 * @param {Buffer[]} data the leaves' bytes
 * @returns {Buffer[]} their leaf hashes
 */
function hashLeaves(data) {
  return data.map((d) => leafHash(d));
}

module.exports = { mth, path, proof, hashLeaves };
