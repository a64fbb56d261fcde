// @ts-check
'use strict';
const { randomBytes } = require('node:crypto');

const { verifyInclusion, verifyConsistency, leafHash, nodeHash } = require('../src/merkle');
const { mth, path, proof, hashLeaves } = require('./reference-tree');

const MAX = 64;
const leaves = hashLeaves(Array.from({ length: MAX }, (_, i) => randomBytes(1 + (i % 40))));
/** The reference roots: roots[n] is the root of the first n leaves. */
const roots = Array.from({ length: MAX + 1 }, (_, n) => mth(leaves.slice(0, n)));

/**
 * Each byte of each hash changed in turn (one bit flipped).
 * @param {Buffer[]} hashes
 * @returns {Generator<Buffer[]>}
 */
function* everyByteChanged(hashes) {
  for (let h = 0; h < hashes.length; h++) {
    for (let b = 0; b < hashes[h].length; b++) {
      const changed = hashes.map((x) => Buffer.from(x));
      changed[h][b] ^= 0x01;
      yield changed;
    }
  }
}

/** @param {Buffer} hash */
const withEveryByteChanged = (hash) => [...everyByteChanged([hash])].map(([h]) => h);

/**
 * Proofs that must fail, collected rather than asserted one by one (a million expect() calls take minutes).
 * `refused(what, verified)` notes one; `accepted` lists those that verified.
 */
function refusals() {
  /** @type {string[]} */
  const accepted = [];
  let tried = 0;
  return {
    accepted,
    tried: () => tried,
    /** @param {string} what @param {boolean} verified */
    refused: (what, verified) => {
      tried++;
      if (verified) accepted.push(what);
    },
  };
}

describe('RFC 9162 hashing', () => {
  it('prefixes leaves with 0x00 and nodes with 0x01 (the test vectors of the empty leaf and its pair)', () => {
    // SHA-256 of the single byte 0x00, the hash of an empty leaf in every RFC 6962/9162 log.
    expect(leafHash(Buffer.alloc(0)).toString('hex')).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const empty = leafHash(Buffer.alloc(0));
    expect(nodeHash(empty, empty).toString('hex')).not.toBe(leafHash(Buffer.concat([empty, empty])).toString('hex'));
  });
});

describe('verifyInclusion', () => {
  it('accepts the reference PATH of every leaf of every tree of 1 to 64 leaves', () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        expect(verifyInclusion(m, n, leaves[m], path(m, leaves.slice(0, n)), roots[n])).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
  });

  it('rejects every proof of 1 to 64 leaves when any byte of the path, the leaf or the root changes, or the index does', () => {
    const { accepted, tried, refused } = refusals();
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const proofPath = path(m, leaves.slice(0, n));
        for (const changed of everyByteChanged(proofPath)) refused(`path of ${m} in ${n}`, verifyInclusion(m, n, leaves[m], changed, roots[n]));
        for (const root of withEveryByteChanged(roots[n])) refused(`root for ${m} in ${n}`, verifyInclusion(m, n, leaves[m], proofPath, root));
        for (const leaf of withEveryByteChanged(leaves[m])) refused(`leaf ${m} in ${n}`, verifyInclusion(m, n, leaf, proofPath, roots[n]));
        for (let other = -1; other <= n; other++)
          if (other !== m) refused(`index ${other} for ${m} in ${n}`, verifyInclusion(other, n, leaves[m], proofPath, roots[n]));
      }
    }
    expect(accepted).toEqual([]);
    expect(tried()).toBeGreaterThan(400000);
  });

  it('rejects a path with a hash added or taken away', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const proofPath = path(m, leaves.slice(0, n));
        expect(verifyInclusion(m, n, leaves[m], [...proofPath, roots[n]], roots[n])).toBe(false);
        if (proofPath.length > 0) expect(verifyInclusion(m, n, leaves[m], proofPath.slice(0, -1), roots[n])).toBe(false);
      }
    }
  });

  it('rejects sizes and indexes that are not safe whole numbers', () => {
    expect(verifyInclusion(0, 0, leaves[0], [], leaves[0])).toBe(false);
    expect(verifyInclusion(0.5, 1, leaves[0], [], leaves[0])).toBe(false);
    expect(verifyInclusion(0, 2 ** 53, leaves[0], [], leaves[0])).toBe(false);
    expect(verifyInclusion(0, 1, leaves[0], [], leaves[0])).toBe(true);
  });

  it('walks trees larger than 2^32 leaves without cutting the numbers to 32 bits', () => {
    // The last leaf of a tree of 2^33 + 1 leaves: its path is the one root of the first 2^33 leaves.
    const n = 2 ** 33 + 1;
    const left = randomBytes(32);
    expect(verifyInclusion(n - 1, n, leaves[0], [left], nodeHash(left, leaves[0]))).toBe(true);
    expect(verifyInclusion(n - 2, n, leaves[0], [left], nodeHash(left, leaves[0]))).toBe(false);
  });
});

describe('verifyConsistency', () => {
  it('accepts the reference PROOF of every pair of sizes 1 <= m <= n <= 64', () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        expect(verifyConsistency(m, n, roots[m], roots[n], proof(m, leaves.slice(0, n)))).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
  });

  it('rejects every proof when any byte of the path or of either root changes, or the earlier size does', () => {
    const { accepted, tried, refused } = refusals();
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proofPath = proof(m, leaves.slice(0, n));
        for (const changed of everyByteChanged(proofPath)) refused(`path ${m} to ${n}`, verifyConsistency(m, n, roots[m], roots[n], changed));
        for (const root of withEveryByteChanged(roots[m])) refused(`first root ${m} to ${n}`, verifyConsistency(m, n, root, roots[n], proofPath));
        for (const root of withEveryByteChanged(roots[n])) refused(`second root ${m} to ${n}`, verifyConsistency(m, n, roots[m], root, proofPath));
        for (let size = 1; size <= n + 1; size++)
          if (size !== m) refused(`size ${size} for ${m} to ${n}`, verifyConsistency(size, n, roots[m], roots[n], proofPath));
      }
    }
    expect(accepted).toEqual([]);
    expect(tried()).toBeGreaterThan(400000);
  });

  it('rejects a proof between trees whose first leaves differ', () => {
    for (let n = 2; n <= MAX; n++) {
      for (let m = 1; m < n; m++) {
        const forged = [...leaves.slice(0, n)];
        forged[m - 1] = leafHash(randomBytes(8));
        // The forged log's own proof and root: the earlier root is no longer a prefix of it.
        expect(verifyConsistency(m, n, roots[m], mth(forged), proof(m, forged))).toBe(false);
      }
    }
  });

  it('takes the empty tree as a prefix of every tree and a tree as its own prefix, with an empty path only', () => {
    expect(verifyConsistency(0, 5, roots[0], roots[5], [])).toBe(true);
    expect(verifyConsistency(0, 5, roots[0], roots[5], [roots[5]])).toBe(false);
    expect(verifyConsistency(7, 7, roots[7], roots[7], [])).toBe(true);
    expect(verifyConsistency(7, 7, roots[7], roots[6], [])).toBe(false);
    expect(verifyConsistency(7, 7, roots[7], roots[7], [roots[7]])).toBe(false);
    expect(verifyConsistency(8, 7, roots[8], roots[7], proof(7, leaves.slice(0, 8)))).toBe(false);
    expect(verifyConsistency(3, 9, roots[3], roots[9], [])).toBe(false);
  });
});
