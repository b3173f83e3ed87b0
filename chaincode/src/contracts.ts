import type { Contract } from 'fabric-contract-api';
import { LicenseContract } from './license-contract';
import { CreditContract } from './credit-contract';
import { SealContract } from './seal-contract';
import { SystemContract } from './system-contract';
import { TrailContract } from './trail-contract';

/**
 * The contract classes this chaincode serves. fabric-contract-api instantiates each with no
 * arguments; the first is the default contract for transaction names without a `contract:` prefix.
 */
export const contracts: ReadonlyArray<new () => Contract> = [SystemContract, SealContract, TrailContract, LicenseContract, CreditContract];
