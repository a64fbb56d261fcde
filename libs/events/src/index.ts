export * from './event-data';
export * from './event-filter';
export * from './event-types';
export * from './outbox-event';
