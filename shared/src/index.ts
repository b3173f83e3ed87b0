export * from './canonical-json';
export * from './departments';
export * from './crypto';
export * from './citytrust-home';
export * from './grpc-flow-control';
export * from './seals/seal-records';
export * from './trails/trail-records';
export * from './process-identity';
