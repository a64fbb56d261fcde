import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { AppConfig } from '@app/config';

import { RouteIndex } from '../http/route-index';
import { negotiateLanguage } from '../i18n/language';
import { startRequestContext } from '../http/http-hooks';
import { RequestContext } from '../trace/request-context';
import { acceptRequestId, continueTrace, formatTraceparent } from '../trace/trace-context';
import { toProblemException } from './error-mapping';
import { PROBLEM_CONTENT_TYPE } from './problem-document';
import { ProblemException } from './problem.exception';
import { ProblemRenderer, RenderedProblem } from './problem-renderer';
import { problemTypeForStatus } from './problem-types';

/** Node's HTTP parser errors and the status each one answers. */
const CLIENT_ERROR_STATUS: Record<string, number> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

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

  /**
   * Fastify's clientErrorHandler: a request Node's HTTP parser refused (a NUL or a control character in
   * a header, headers over 16 KiB: 431, a malformed request line) never reaches Fastify, so its problem
   * is written on the socket here, in English (the headers could not be read), and the connection closed.
   */
  sendClientError(error: Error & { code?: string }, socket: Socket): void {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    const context: RequestContext = { requestId: acceptRequestId(undefined), method: '', trace: continueTrace(undefined), startedAt: process.hrtime.bigint() };
    const type = problemTypeForStatus(status);
    const detail = type.status === status ? undefined : `The HTTP request could not be read (${error.code ?? 'parse error'}).`;
    const rendered = this.renderer.render(new ProblemException(type, { detail, cause: error }), context, '', 'en');
    const body = JSON.stringify(rendered.body);
    const headers = {
      ...rendered.headers,
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Request-Id': context.requestId,
      traceparent: formatTraceparent(context.trace),
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${rendered.status} ${STATUS_CODES[rendered.status] ?? ''}\r\n${head}\r\n${body}`);
  }
}
