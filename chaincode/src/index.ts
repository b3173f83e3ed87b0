/**
 * CityTrust's chaincode. fabric-contract-api's convention: the package's main module exports
 * `contracts`, the classes `fabric-chaincode-node` (or {@link startChaincodeServer}) serves.
 */
export { contracts } from './contracts';
export { SystemContract, EVENT_OBJECT_TYPE } from './system-contract';
export type { ChaincodeVersion, WriteThenReadResult, StateRecord, QueryPage, KeyModificationRecord } from './system-contract-results';
export { SealContract, DOCUMENT_SEAL_OBJECT_TYPE, SEAL_KEY_EVENT, DOCUMENT_SEALED_EVENT } from './seal-contract';
export { TrailContract } from './trail-contract';
export { TrailRefusedError } from './trails/trail-refusal';
export { LicenseContract } from './license-contract';
export { LICENSE_EVENTS } from './licenses/license-keys';
export { LicenseRefusedError, type LicenseCheck } from './licenses/license-refusal';
export { CreditContract } from './credit-contract';
export { CreditRefusedError, type CreditCheck } from './credit/credit-refusal';
export { SealRefusedError } from './seals/seal-refusal';
export { requireSealedRecord, requireSealedDigest, checkSeal } from './seals/seal-verification';
export { CHAINCODE_NAME, CONTRACT_NAMES } from './chaincode-info';
export { InvalidArgumentError } from './arguments';
export { startChaincodeServer, ChaincodeServerStartError } from './server';
export type { ChaincodeServerOptions, ChaincodeServerTls, RunningChaincodeServer } from './server';
export { chaincodeServerOptionsFromEnv, ChaincodeServerConfigError } from './server-config';
