/**
 * A bare Fastify route, a process of its own like the api: answers GET / with the bytes of a file given as
 * its argument, as `application/json`. It is the HTTP limit of a page of that size on this machine, which the
 * alerts bench sets beside the api's answer of the same bytes.
 */
import { readFileSync } from 'node:fs';

import Fastify from 'fastify';

const body = readFileSync(process.argv[2]);
const app = Fastify({ logger: false });
app.get('/', (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
app.listen({ port: 0, host: '127.0.0.1' }).then(
  () => {
    const address = app.server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  },
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
process.on('message', (message: 'stop') => {
  if (message === 'stop') void app.close().then(() => process.exit(0));
});
