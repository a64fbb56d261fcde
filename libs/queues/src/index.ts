export * from './queue-metrics';
export * from './queues.module';
