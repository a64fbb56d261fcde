import { createHash } from 'node:crypto';

import { SortedIdsDigest } from './sorted-ids-digest';

describe('SortedIdsDigest', () => {
  it('should equal sha256sum of the ids sorted in byte order, one per line', () => {
    const digest = new SortedIdsDigest();
    for (const id of ['alr_01A', 'alr_01B', 'alr_02']) digest.add(id);
    expect(digest.hex()).toBe(createHash('sha256').update('alr_01A\nalr_01B\nalr_02\n').digest('hex'));
  });

  it('should be the digest of nothing when nothing was added', () => {
    expect(new SortedIdsDigest().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('should refuse an id out of order or repeated rather than hash it', () => {
    const digest = new SortedIdsDigest();
    digest.add('alr_02');
    expect(() => digest.add('alr_01')).toThrow(/out of byte order/);
    expect(() => digest.add('alr_02')).toThrow(/out of byte order/);
  });
});
