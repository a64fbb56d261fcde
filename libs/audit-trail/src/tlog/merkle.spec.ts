import { MTH as mth, PATH, SUBPROOF } from '../../../../test/utils/rfc9162';
import {
  appendNodes,
  consistencyPath,
  EMPTY_TREE_HASH,
  frontier,
  inclusionPath,
  leafHash,
  nodeKey,
  NodeReader,
  RootAccumulator,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
  withNodes,
} from './merkle';

const MAX = 70;
const data = Array.from({ length: MAX }, (_, i) => Buffer.from(`event ${i}`));

/** The stored nodes of a tree of MAX leaves, built by appends of uneven sizes (1, 2, 3, …). */
function buildStore(): Map<string, Buffer> {
  const store = new Map<string, Buffer>();
  let size = 0;
  for (let batch = 1; size < MAX; batch++) {
    const leaves = data.slice(size, Math.min(MAX, size + batch)).map((d) => leafHash(d));
    const keys = new Set(frontier(size).map((f) => nodeKey(f.level, f.idx)));
    const added = appendNodes(size, leaves, (level, idx) => {
      if (!keys.has(nodeKey(level, idx))) throw new Error(`append read ${level}:${idx}, not in the frontier`);
      return store.get(nodeKey(level, idx)) as Buffer;
    });
    for (const node of added) store.set(nodeKey(node.level, node.idx), node.hash);
    size += leaves.length;
  }
  return store;
}

describe('Merkle tree (RFC 9162 §2.1)', () => {
  const store = buildStore();
  const reads: string[] = [];
  const node: NodeReader = (level, idx) => {
    reads.push(nodeKey(level, idx));
    const hash = store.get(nodeKey(level, idx));
    if (!hash) throw new Error(`missing ${level}:${idx}`);
    return hash;
  };
  const hex = (list: Buffer[]) => list.map((b) => b.toString('hex'));

  it('should store each complete aligned subtree once, 2n - popcount(n) nodes in all', () => {
    expect(store.size).toBe(2 * MAX - 3); // 70 = 0b1000110
    expect(store.get(nodeKey(6, 0))).toEqual(mth(data.slice(0, 64)));
    expect(store.get(nodeKey(1, 34))).toEqual(mth(data.slice(68, 70)));
  });

  it('should compute the root of every size as MTH does', () => {
    expect(treeRoot(node, 0)).toEqual(EMPTY_TREE_HASH);
    for (let n = 1; n <= MAX; n++) expect(treeRoot(node, n).toString('hex')).toBe(mth(data.slice(0, n)).toString('hex'));
  });

  it('should compute the root of every prefix from the leaves in one pass', () => {
    const accumulator = new RootAccumulator();
    expect(accumulator.root()).toEqual(EMPTY_TREE_HASH);
    for (let n = 1; n <= MAX; n++) {
      accumulator.push(leafHash(data[n - 1]));
      expect(accumulator.root().toString('hex')).toBe(mth(data.slice(0, n)).toString('hex'));
    }
  });

  it('should answer PATH for every size and index, which the RFC verifier accepts, and nothing else verifies', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = mth(data.slice(0, n));
      for (let m = 0; m < n; m++) {
        const path = inclusionPath(node, m, n);
        expect(hex(path)).toEqual(hex(PATH(m, data.slice(0, n))));
        const leaf = leafHash(data[m]);
        expect(verifyInclusion(leaf, m, n, path, root)).toBe(true);
        expect(verifyInclusion(leafHash(Buffer.from('forged')), m, n, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leaf, (m + 1) % n, n, path, root)).toBe(false);
        if (n < MAX) expect(verifyInclusion(leaf, m, n + 1, path, mth(data.slice(0, n + 1)))).toBe(false);
        expect(verifyInclusion(leaf, m, m, path, root)).toBe(false);
      }
    }
  });

  it('should answer SUBPROOF for every pair of sizes, which the RFC verifier accepts, and nothing else verifies', () => {
    for (let n = 1; n <= MAX; n++) {
      const second = mth(data.slice(0, n));
      for (let m = 1; m <= n; m++) {
        const first = mth(data.slice(0, m));
        const proof = consistencyPath(node, m, n);
        expect(hex(proof)).toEqual(hex(SUBPROOF(m, data.slice(0, n), true)));
        expect(verifyConsistency(m, n, proof, first, second)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof, mth(data.slice(0, m - 1).concat(Buffer.from('x'))), second)).toBe(false);
          expect(verifyConsistency(m, n, proof, first, mth([...data.slice(0, n - 1), Buffer.from('x')]))).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), first, second)).toBe(false);
        }
      }
    }
  });

  it('should read O(log n) nodes for a proof', () => {
    reads.length = 0;
    inclusionPath(node, 37, MAX);
    expect(reads.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(MAX)));
    reads.length = 0;
    consistencyPath(node, 37, MAX);
    expect(reads.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(MAX)));
  });

  it('should fetch the nodes a computation needs in one load and compute with them', async () => {
    const loads: string[][] = [];
    const root = await withNodes(
      (read) => treeRoot(read, 69),
      async (keys) => {
        loads.push(keys.map((key) => nodeKey(key.level, key.idx)));
        return new Map(keys.map((key) => [nodeKey(key.level, key.idx), store.get(nodeKey(key.level, key.idx)) as Buffer]));
      },
    );
    expect(root).toEqual(mth(data.slice(0, 69)));
    expect(loads).toEqual([['6:0', '2:16', '0:68']]);
  });
});
