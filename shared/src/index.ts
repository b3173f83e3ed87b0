export * from './canonical-json';
export * from './departments';
