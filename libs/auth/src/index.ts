export * from './hs256';
export * from './scopes';
