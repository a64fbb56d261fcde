import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AcceptLanguageResolver, I18nModule } from 'nestjs-i18n';

import { AppConfig } from '@app/config';

import { MetricsService } from './http/metrics.service';
import { RouteIndex } from './http/route-index';
import { FALLBACK_LANGUAGE, TranslationsLoader } from './i18n/translations.loader';
import { JsonLogger } from './logging/json-logger';
import { CursorCodec } from './pagination/cursor-codec';
import { Paginator } from './pagination/pagination';
import { ProblemFilter } from './problem/problem.filter';
import { ProblemRenderer } from './problem/problem-renderer';
import { ProblemResponder } from './problem/problem-responder';
import { RedisService } from './redis/redis.service';

/** What every HTTP process shares: logging, metrics, problem details, translations, paging, Redis. */
@Global()
@Module({
  imports: [
    I18nModule.forRoot({
      fallbackLanguage: FALLBACK_LANGUAGE,
      loader: TranslationsLoader,
      loaderOptions: {},
      // The problem renderer negotiates the language itself (it also runs outside Nest's pipeline).
      resolvers: [AcceptLanguageResolver],
      disableMiddleware: true,
      logging: false,
    }),
  ],
  providers: [
    { provide: JsonLogger, useFactory: (config: AppConfig) => new JsonLogger(config), inject: [AppConfig] },
    MetricsService,
    RouteIndex,
    ProblemRenderer,
    ProblemResponder,
    RedisService,
    { provide: Paginator, useFactory: (config: AppConfig) => new Paginator(new CursorCodec(config.cursorSecret)), inject: [AppConfig] },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
  exports: [JsonLogger, MetricsService, RouteIndex, ProblemRenderer, ProblemResponder, RedisService, Paginator],
})
export class CommonModule {}
