import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (the kernel picks it); used by the e2e tests and the benchmarks. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
