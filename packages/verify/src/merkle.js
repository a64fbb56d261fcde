// @ts-check
'use strict';
/**
 * Merkle proof verification as RFC 9162 §2.1 defines it: leaves are hashed as SHA-256(0x00 ‖ leaf bytes),
 * interior nodes as SHA-256(0x01 ‖ left ‖ right). Sizes and indexes are plain numbers (safe integers);
 * halving uses Math.floor, never `>>`, which would cut them to 32 bits.
 */
const { createHash } = require('node:crypto');

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/**
 * @param {Buffer} data the leaf's bytes
 * @returns {Buffer}
 */
function leafHash(data) {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/**
 * @param {Buffer} left
 * @param {Buffer} right
 * @returns {Buffer}
 */
function nodeHash(left, right) {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** @param {number} n */
const odd = (n) => n % 2 === 1;
/** @param {number} n */
const half = (n) => Math.floor(n / 2);

/**
 * RFC 9162 §2.1.3.2: whether `path` proves the leaf with hash `leaf` at `index` in the tree of `size`
 * leaves whose root is `root`.
 * @param {number} index
 * @param {number} size
 * @param {Buffer} leaf
 * @param {Buffer[]} path
 * @param {Buffer} root
 * @returns {boolean}
 */
function verifyInclusion(index, size, leaf, path, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: whether `path` proves that the tree of `first` leaves with root `firstRoot` is a
 * prefix of the tree of `second` leaves with root `secondRoot`. The empty tree is a prefix of every tree,
 * and a tree of itself (both with an empty path).
 * @param {number} first
 * @param {number} second
 * @param {Buffer} firstRoot
 * @param {Buffer} secondRoot
 * @param {Buffer[]} path
 * @returns {boolean}
 */
function verifyConsistency(first, second, firstRoot, secondRoot, path) {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === 0) return path.length === 0;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (path.length === 0) return false;
  // A first tree whose size is a power of two is a complete subtree: its root is the proof's first node.
  const nodes = isPowerOfTwo(first) ? [firstRoot, ...path] : path;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = nodes[0];
  let sr = nodes[0];
  for (const c of nodes.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

/** @param {number} n a positive safe integer */
function isPowerOfTwo(n) {
  while (n > 1) {
    if (odd(n)) return false;
    n = half(n);
  }
  return true;
}

module.exports = { leafHash, nodeHash, verifyInclusion, verifyConsistency };
