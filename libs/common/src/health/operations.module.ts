import { DynamicModule, InjectionToken, Module } from '@nestjs/common';

import { MetricsController } from '../http/metrics.controller';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';

export interface OperationsOptions {
  inject: InjectionToken[];
  checks: (...dependencies: never[]) => ReadinessCheck[];
}

/** /health/live, /health/ready and /metrics, with the readiness checks of the app that imports it. */
@Module({})
export class OperationsModule {
  static register(options: OperationsOptions): DynamicModule {
    return {
      module: OperationsModule,
      controllers: [HealthController, MetricsController],
      providers: [{ provide: READINESS_CHECKS, inject: options.inject, useFactory: options.checks }],
    };
  }
}
