export * from './queue-metrics';
export * from './queues.module';
export * from './queue-calls';
export * from './repeatable-schedule';
