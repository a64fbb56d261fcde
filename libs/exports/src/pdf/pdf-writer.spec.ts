import { pagesPerChunk } from './pdf-writer';

describe('pagesPerChunk', () => {
  it('should give every Chromium page several chunks of a small report and cap the chunks of a large one', () => {
    expect(pagesPerChunk(86, 2)).toBe(11); // 8 chunks: both pages busy, progress in steps of an eighth
    expect(pagesPerChunk(1_786, 2)).toBe(100); // a 50,000-row report: the largest chunks
    expect(pagesPerChunk(5, 2)).toBe(10); // never below ten pages a chunk
    expect(pagesPerChunk(1, 1)).toBe(10);
  });
});
