export * from './network-crypto';
export * from './crypto-layout';
export { nodeOusConfig } from './local-msp';
