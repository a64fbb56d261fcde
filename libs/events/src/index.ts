export * from './event-data';
export * from './event-filter';
export * from './event-types';
export * from './outbox-event';
export * from './live/live-event-channel';
export * from './live/live-event-publisher';
