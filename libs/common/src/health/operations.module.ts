import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';

import { MetricsController } from '../http/metrics.controller';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';

export interface OperationsOptions {
  /** Modules that provide the injected dependencies, when they are not global. */
  imports?: ModuleMetadata['imports'];
  inject: InjectionToken[];
  checks: (...dependencies: never[]) => ReadinessCheck[];
}

/** /health/live, /health/ready and /metrics, with the readiness checks of the app that imports it. */
@Module({})
export class OperationsModule {
  static register(options: OperationsOptions): DynamicModule {
    return {
      module: OperationsModule,
      imports: options.imports ?? [],
      controllers: [HealthController, MetricsController],
      providers: [{ provide: READINESS_CHECKS, inject: options.inject, useFactory: options.checks }],
    };
  }
}
