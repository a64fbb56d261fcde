export * from './queues.module';
export * from './queue-calls';
