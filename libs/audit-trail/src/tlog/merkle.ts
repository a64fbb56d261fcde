import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 over a tenant's audit events, computed from the hashes of complete,
 * aligned subtrees: node (level, idx) is MTH(D[idx·2^level : (idx+1)·2^level]), level 0 being the leaves.
 * Every range the RFC's recursion visits is either such a node or ends at the tree's size, so a root, an
 * inclusion path (PATH) or a consistency proof (SUBPROOF) needs O(log n) nodes. Sizes and indexes are
 * plain numbers (exact up to 2^53) and never go through 32-bit bit operators.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 ‖ leaf bytes). */
export function leafHash(bytes: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(bytes).digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_TREE_HASH = createHash('sha256').digest();

/** A stored complete subtree: level (log2 of its leaves) and index among the subtrees of that level. */
export interface NodeKey {
  level: number;
  idx: number;
}

/** Reads a stored node; the computations below call it synchronously (see `withNodes`). */
export type NodeReader = (level: number, idx: number) => Buffer;

/** The largest power of two smaller than n (n ≥ 2): the RFC's k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

/** MTH(D[a:b]): a stored node when the range is complete and aligned, else split as the RFC does. */
function rangeHash(node: NodeReader, a: number, b: number): Buffer {
  const n = b - a;
  if (isPowerOfTwo(n) && a % n === 0) return node(Math.round(Math.log2(n)), a / n);
  const k = splitPoint(n);
  return nodeHash(rangeHash(node, a, a + k), rangeHash(node, a + k, b));
}

/** The root hash of the tree of the first `size` leaves. */
export function treeRoot(node: NodeReader, size: number): Buffer {
  return size === 0 ? EMPTY_TREE_HASH : rangeHash(node, 0, size);
}

/** PATH(m, D[0:size]) of RFC 9162 §2.1.3.1, leaf to root. */
export function inclusionPath(node: NodeReader, index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path = (m: number, a: number, b: number): Buffer[] => {
    const n = b - a;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, a, a + k), rangeHash(node, a + k, b)] : [...path(m - k, a + k, b), rangeHash(node, a, a + k)];
  };
  return path(index, 0, size);
}

/** PROOF(first, D[0:second]) = SUBPROOF(first, D[0:second], true) of RFC 9162 §2.1.4.1 (1 ≤ first ≤ second). */
export function consistencyPath(node: NodeReader, first: number, second: number): Buffer[] {
  if (!(first >= 1 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  const subproof = (m: number, a: number, b: number, complete: boolean): Buffer[] => {
    const n = b - a;
    if (m === n) return complete ? [] : [rangeHash(node, a, b)];
    const k = splitPoint(n);
    return m <= k ? [...subproof(m, a, a + k, complete), rangeHash(node, a + k, b)] : [...subproof(m - k, a + k, b, false), rangeHash(node, a, a + k)];
  };
  return subproof(first, 0, second, true);
}

/**
 * Runs a computation over stored nodes in two passes: the first records which nodes it reads (the
 * computation's shape does not depend on the hashes), `load` fetches them at once, the second computes.
 */
export async function withNodes<T>(compute: (node: NodeReader) => T, load: (keys: NodeKey[]) => Promise<Map<string, Buffer>>): Promise<T> {
  const wanted = new Map<string, NodeKey>();
  const placeholder = Buffer.alloc(32);
  compute((level, idx) => {
    wanted.set(nodeKey(level, idx), { level, idx });
    return placeholder;
  });
  const nodes = await load([...wanted.values()]);
  return compute((level, idx) => {
    const hash = nodes.get(nodeKey(level, idx));
    if (!hash) throw new MissingNodeError(level, idx);
    return hash;
  });
}

export function nodeKey(level: number, idx: number): string {
  return `${level}:${idx}`;
}

/** A node the tree should hold is not stored: the tree does not reach that size (or rows are gone). */
export class MissingNodeError extends Error {
  constructor(
    readonly level: number,
    readonly idx: number,
  ) {
    super(`tree node ${level}:${idx} is not stored`);
  }
}

/**
 * The complete subtrees a tree of `size` leaves ends with, left to right (the binary decomposition of
 * size): what an append needs to know of the tree before it.
 */
export function frontier(size: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))) + 1; level >= 0; level--) {
    const width = 2 ** level;
    if (start + width <= size) {
      keys.push({ level, idx: start / width });
      start += width;
    }
  }
  return keys;
}

/**
 * The nodes that appending `leaves` (hashes) to a tree of `size` completes: each new leaf, and every
 * parent whose right child it completes. `known` answers the frontier of the tree before (frontier(size)).
 */
export function appendNodes(size: number, leaves: Buffer[], known: (level: number, idx: number) => Buffer): (NodeKey & { hash: Buffer })[] {
  const added: (NodeKey & { hash: Buffer })[] = [];
  const fresh = new Map<string, Buffer>();
  const read = (level: number, idx: number) => fresh.get(nodeKey(level, idx)) ?? known(level, idx);
  leaves.forEach((leaf, offset) => {
    let idx = size + offset;
    let level = 0;
    let hash = leaf;
    for (;;) {
      fresh.set(nodeKey(level, idx), hash);
      added.push({ level, idx, hash });
      if (idx % 2 === 0) break;
      hash = nodeHash(read(level, idx - 1), hash);
      idx = (idx - 1) / 2;
      level++;
    }
  });
  return added;
}

/** RFC 9162 §2.1.3.2: whether `path` proves leaf `index` (hash `leaf`) in the tree of `size` with `root`. */
export function verifyInclusion(leaf: Buffer, index: number, size: number, path: Buffer[], root: Buffer): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `path` proves the tree of `second` (root `secondRoot`) extends the one of `first`. */
export function verifyConsistency(first: number, second: number, path: Buffer[], firstRoot: Buffer, secondRoot: Buffer): boolean {
  if (!(first >= 1 && first <= second)) return false;
  if (first === second) return path.length === 0 && firstRoot.equals(secondRoot);
  if (path.length === 0) return false;
  const proof = isPowerOfTwo(first) ? [firstRoot, ...path] : path;
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = proof[0];
  let sr = proof[0];
  for (const c of proof.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}

/**
 * Roots of a tree computed from its leaves in one pass with O(log n) memory (the frontier): after n
 * leaves, `root()` is MTH(D[0:n]), so one walk over a log yields the root of every prefix on the way.
 */
export class RootAccumulator {
  private readonly stack: { level: number; hash: Buffer }[] = [];
  size = 0;

  push(leaf: Buffer): void {
    let top = { level: 0, hash: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].level === top.level) {
      const left = this.stack.pop() as { level: number; hash: Buffer };
      top = { level: top.level + 1, hash: nodeHash(left.hash, top.hash) };
    }
    this.stack.push(top);
    this.size++;
  }

  root(): Buffer {
    if (this.stack.length === 0) return EMPTY_TREE_HASH;
    return this.stack.slice(0, -1).reduceRight((right, left) => nodeHash(left.hash, right), this.stack[this.stack.length - 1].hash);
  }
}
