/**
 * Channel MSPs for the embedded ledger: who may sign, in which role, and whether they did.
 * The twin of Fabric's `msp/` package for X.509 identities with NodeOUs and ECDSA P-256 keys.
 */
export { channelMsps } from './channel-msps';
export type { ChannelMsps, ChannelMspsOptions } from './channel-msps';
export type { ChannelMspConfig } from './x509-msp';
export type { MspRole, VerifiedIdentity } from './verified-identity';
export { IdentityError } from './identity-error';
export type { IdentityCheck } from './identity-error';
export { signLowS, isLowS, verifyLowS } from '@citytrust/network-config';
