import type { Server, Socket } from 'node:net';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';

type Send = (error: Error, request: FastifyRequest, reply: FastifyReply) => void;

export interface ClientLimits {
  bodyTimeoutSeconds: number;
  maxConnectionsPerClient: number;
}

const timers = new WeakMap<FastifyRequest, NodeJS.Timeout>();

function clear(request: FastifyRequest): void {
  clearTimeout(timers.get(request));
  timers.delete(request);
}

/**
 * Slow and greedy clients. A request whose body has not fully arrived `bodyTimeoutSeconds` after its
 * headers is answered 408 request-timeout (problem+json, `Connection: close`) and its connection is
 * closed: it held a connection and a parser open for as long as the client liked. Headers get the same
 * time (Node's headersTimeout), and Node's requestTimeout, a few seconds later, is the backstop for
 * anything our timer cannot answer. The handler's own time is not limited: the timer stops once the
 * body is parsed. Each client address may hold at most `maxConnectionsPerClient` open connections; one
 * more is closed on arrival, before any byte is read.
 */
export function installClientLimits(fastify: FastifyInstance, limits: ClientLimits, send: Send): void {
  const timeoutMs = limits.bodyTimeoutSeconds * 1000;
  fastify.addHook('onRequest', (request, reply, done) => {
    timers.set(
      request,
      setTimeout(() => {
        timers.delete(request);
        if (reply.sent || request.raw.complete) return;
        void reply.header('connection', 'close');
        reply.raw.once('finish', () => request.raw.socket.destroy());
        send(new ProblemException(ProblemTypes.requestTimeout, { args: { timeout_seconds: limits.bodyTimeoutSeconds } }), request, reply);
      }, timeoutMs).unref(),
    );
    done();
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    clear(request);
    done();
  });
  fastify.addHook('onResponse', (request, _reply, done) => {
    clear(request);
    done();
  });

  const server = fastify.server as Server & { headersTimeout: number; requestTimeout: number };
  server.headersTimeout = timeoutMs;
  server.requestTimeout = timeoutMs + 5_000;
  limitConnections(server, limits.maxConnectionsPerClient);
}

function limitConnections(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
