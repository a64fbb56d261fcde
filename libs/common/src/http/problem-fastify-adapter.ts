import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

type ErrorHandler = (error: Error, request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Nest installs a Fastify error handler that turns Fastify's own errors (body parsing, body limit,
 * media type) into bare HttpExceptions, losing their codes. This adapter installs ours in its place,
 * at the same moment, so those errors reach the problem mapping with their Fastify codes intact.
 */
export class ProblemFastifyAdapter extends FastifyAdapter {
  private handler: ErrorHandler | undefined;

  onError(handler: ErrorHandler): void {
    this.handler = handler;
  }

  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance().setErrorHandler((error: Error, request: FastifyRequest, reply: FastifyReply) => {
      if (!this.handler) throw error;
      this.handler(error, request, reply);
    });
  }
}
