/**
 * What the seal contract's queries return, as parsed from their canonical JSON: kept apart
 * from the contract so that the gateway and CLI can use the shapes without fabric-contract-api.
 */
import type { StoredSeal } from './seal';
import type { SealKey } from './seal-key';
import type { SealCheck } from './seal-refusal';

/** One version of a seal key's record, from `seal:keyHistory`. */
export interface SealKeyVersion {
  readonly transactionId: string;
  readonly timestamp: string;
  readonly key: SealKey;
}

/** The ledger's record that a department sealed a document: its seal and the attesting transaction. */
export interface DocumentAttestation extends StoredSeal {
  readonly transactionId: string;
}

/** `seal:verifySeal`: whether a seal verifies, as of when, and what the ledger attests about its digest. */
export type DocumentSealVerification = {
  /** The time the key had to be valid: the attestation's time, or the query's for an unattested seal. */
  readonly checkedAt: string;
  /** The attestation of exactly this seal (same key and signature), if the ledger has one. */
  readonly attestation?: DocumentAttestation;
  /** Every attestation of the digest, by any department. */
  readonly attestations: readonly DocumentAttestation[];
} & (
  | { readonly valid: true; readonly key: SealKey }
  | { readonly valid: false; readonly check: SealCheck; readonly reason: string; readonly key?: SealKey }
);
