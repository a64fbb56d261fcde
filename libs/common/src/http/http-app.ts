import type { Socket } from 'node:net';

import { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';

import { AppConfig } from '@app/config';

import { JsonLogger } from '../logging/json-logger';
import { ProblemResponder } from '../problem/problem-responder';
import { KnownQueryGuard } from '../validation/known-query.guard';
import { AppValidationPipe } from '../validation/validation.pipe';
import { installClientLimits } from './client-limits';
import { installConditionalGet } from './conditional-get';
import { installCors } from './cors';
import { installHttpHooks } from './http-hooks';
import { jsonBody } from './json-body';
import { MetricsService } from './metrics.service';
import { ProblemFastifyAdapter } from './problem-fastify-adapter';
import { installRouteBodyLimits } from './route-body-limit';
import { RouteIndex } from './route-index';
import { installTextInputChecks, queryStringParser } from './text-input-hooks';

/**
 * A Nest application on Fastify as every process of ours serves HTTP: the body limits (per route where
 * declared, @BodyLimit), the body deadline and connections per client (client-limits), JSON logs with
 * request and trace ids, metrics, problem+json for every failure (including Fastify's own errors),
 * the validation pipe. The module must import CommonModule.
 */
export async function createHttpApp(module: Type<unknown> | DynamicModule, config: AppConfig): Promise<NestFastifyApplication> {
  let responder: ProblemResponder | undefined;
  const send = (error: Error, request: FastifyRequest, reply: FastifyReply): void => responder?.send(error, request, reply);
  const adapter = new ProblemFastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    logger: false,
    trustProxy: false,
    // Errors Fastify raises before routing (a malformed URL) also leave as problems, and so do requests
    // Node's HTTP parser refuses (a NUL in a header, 431 for headers over 16 KiB).
    frameworkErrors: send,
    clientErrorHandler: (error: Error, socket: Socket) => responder?.sendClientError(error, socket),
    routerOptions: { querystringParser: queryStringParser },
  } as ConstructorParameters<typeof ProblemFastifyAdapter>[0]);
  adapter.onError(send);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false, bodyParser: false });
  const logger = app.get(JsonLogger);
  app.useLogger(app.get(Logger));
  responder = app.get(ProblemResponder);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.setReplySerializer(jsonBody as unknown as (payload: unknown) => string);
  const routes = app.get(RouteIndex);
  installHttpHooks(fastify, { logger, metrics: app.get(MetricsService), routes });
  installRouteBodyLimits(fastify, config);
  installConditionalGet(fastify);
  installClientLimits(fastify, config, send);
  await installCors(app, config, routes);
  // JSON only (bodyParser: false keeps Nest from adding a form parser): other bodies are a 415.
  fastify.removeContentTypeParser('text/plain');
  installTextInputChecks(fastify);

  // After the modules' guards (APP_GUARD providers are registered by NestFactory.create): a request is
  // authenticated before a query parameter of an operation that takes none is refused.
  app.useGlobalGuards(new KnownQueryGuard());
  app.useGlobalPipes(new AppValidationPipe());
  app.enableShutdownHooks();
  return app;
}

/** Reads the configuration or stops the process with one line naming each bad variable. */
export function configOrExit(): AppConfig {
  try {
    return AppConfig.fromEnvironment();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(78); // EX_CONFIG
  }
}
