import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { AppConfig } from '@app/config';

import { RouteIndex } from '../http/route-index';
import { negotiateLanguage } from '../i18n/language';
import { startRequestContext } from '../http/http-hooks';
import { RequestContext } from '../trace/request-context';
import { toProblemException } from './error-mapping';
import { PROBLEM_CONTENT_TYPE } from './problem-document';
import { ProblemException } from './problem.exception';
import { ProblemRenderer, RenderedProblem } from './problem-renderer';

/**
 * Sends any error as a problem+json reply. The Nest exception filter, Fastify's error handler (errors
 * raised before a handler runs, such as body parsing) and its framework-error hook all end here.
 */
@Injectable()
export class ProblemResponder {
  constructor(
    private readonly renderer: ProblemRenderer,
    private readonly routes: RouteIndex,
    private readonly config: AppConfig,
  ) {}

  toProblem(error: unknown, request: FastifyRequest): ProblemException {
    return toProblemException(error, {
      method: request.method,
      url: request.url,
      route: request.routeOptions?.url,
      allowedMethods: (path) => this.routes.allowedMethods(path),
      // The route's own limit where it has one (@BodyLimit), else BODY_LIMIT_BYTES.
      bodyLimit: request.routeOptions?.bodyLimit ?? this.config.bodyLimitBytes,
      contentType: request.headers['content-type'],
    });
  }

  /** The problem any error is for this request (status, headers, translated body); 5xx causes are logged. */
  render(error: unknown, request: FastifyRequest, context: RequestContext): RenderedProblem {
    return this.renderer.render(this.toProblem(error, request), context, request.url, negotiateLanguage(request.headers['accept-language']));
  }

  send(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.sent) return;
    // A framework error (a bad URL) can come before the onRequest hook made the context.
    const rendered = this.render(error, request, request.context ?? startRequestContext(request, reply));
    void reply.status(rendered.status).headers(rendered.headers).type(PROBLEM_CONTENT_TYPE).send(rendered.body);
  }
}
