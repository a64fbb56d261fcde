/**
 * Every JSON reply body as UTF-8 bytes, encoded once. Fastify, given a string, measured its UTF-8 length
 * for Content-Length and then encoded it again to write it; for a list page (about 65 kB, and a two-byte
 * string as soon as one title is not Latin-1) the two passes cost a quarter of the request
 * (docs/BENCHMARKS.md). A Buffer is measured by its length and written as it is.
 */
export function jsonBody(payload: unknown): Buffer {
  return Buffer.from(JSON.stringify(payload) ?? 'null');
}
