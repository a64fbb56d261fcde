import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { AcceptLanguageResolver, I18nModule } from 'nestjs-i18n';
import { LoggerModule, Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import type { Logger } from 'pino';

import { AppConfig } from '@app/config';

import { EnvelopeStreamer } from './envelope/streamed-envelope';
import { MetricsService } from './http/metrics.service';
import { RouteIndex } from './http/route-index';
import { FALLBACK_LANGUAGE, TranslationsLoader } from './i18n/translations.loader';
import { JsonLogger } from './logging/json-logger';
import { createPinoLogger } from './logging/pino';
import { CursorCodec } from './pagination/cursor-codec';
import { Paginator } from './pagination/pagination';
import { ProblemFilter } from './problem/problem.filter';
import { ProblemRenderer } from './problem/problem-renderer';
import { ProblemResponder } from './problem/problem-responder';
import { RedisService } from './redis/redis.service';

/**
 * nestjs-i18n registers a global interceptor that resolves a language and opens an async context per
 * request, for I18nContext. We translate only where a problem is rendered (the renderer negotiates the
 * language itself), and the interceptor costs a fifth of a request's CPU (Nest binds an AsyncResource
 * per interceptor call), so the module is used without it. Measured in docs/BENCHMARKS.md.
 */
function withoutRequestInterceptor(module: DynamicModule): DynamicModule {
  const isInterceptor = (provider: Provider): boolean => typeof provider === 'object' && 'provide' in provider && provider.provide === APP_INTERCEPTOR;
  return { ...module, providers: module.providers?.filter((provider) => !isInterceptor(provider)) };
}

/** What every HTTP process shares: logging, metrics, problem details, translations, paging, Redis. */
@Global()
@Module({
  imports: [
    // Nest's own lines (and any `new Logger(…)`) through nestjs-pino, on the process's pino logger. Its
    // pino-http middleware is mounted on no route: the request line is ours (http-hooks), one a request,
    // with the request ids from the request context, not a child logger made per request.
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig): Params => ({ pinoHttp: { logger: createPinoLogger(config), autoLogging: false }, forRoutes: [] }),
    }),
    withoutRequestInterceptor(
      I18nModule.forRoot({
        fallbackLanguage: FALLBACK_LANGUAGE,
        loader: TranslationsLoader,
        loaderOptions: {},
        // The problem renderer negotiates the language itself (it also runs outside Nest's pipeline).
        resolvers: [AcceptLanguageResolver],
        disableMiddleware: true,
        logging: false,
      }),
    ),
  ],
  providers: [
    {
      provide: JsonLogger,
      useFactory: (config: AppConfig, params: Params) => new JsonLogger(config, undefined, (params.pinoHttp as { logger: Logger }).logger),
      inject: [AppConfig, PARAMS_PROVIDER_TOKEN],
    },
    MetricsService,
    RouteIndex,
    ProblemRenderer,
    ProblemResponder,
    EnvelopeStreamer,
    RedisService,
    { provide: Paginator, useFactory: (config: AppConfig) => new Paginator(new CursorCodec(config.cursorSecret)), inject: [AppConfig] },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
  exports: [JsonLogger, MetricsService, RouteIndex, ProblemRenderer, ProblemResponder, EnvelopeStreamer, RedisService, Paginator],
})
export class CommonModule {}
