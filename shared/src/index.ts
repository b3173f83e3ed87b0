export * from './canonical-json';
export * from './departments';
export * from './crypto';
