import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { ProblemResponder } from './problem-responder';

/** The one global filter: every exception leaves as problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly responder: ProblemResponder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.responder.send(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
