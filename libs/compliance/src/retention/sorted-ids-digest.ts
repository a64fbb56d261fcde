import { createHash, Hash } from 'node:crypto';

/**
 * SHA-256 over ids in ascending byte order, each followed by a newline: what `LC_ALL=C sort ids.txt |
 * sha256sum` prints for a file of the same ids, so anyone holding the ids can check a purge record.
 * The ids stream in (bounded memory); one out of order is refused rather than hashed wrongly.
 */
export class SortedIdsDigest {
  private readonly hash: Hash = createHash('sha256');
  private last = '';

  add(id: string): void {
    if (id <= this.last) throw new Error(`ids out of byte order (${this.last} then ${id})`);
    this.hash.update(`${id}\n`);
    this.last = id;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}
