/**
 * The shapes of seals and seal keys as the ledger stores and returns them (canonical JSON).
 * The chaincode writes them; the gateway, the CLI and any verifier read them. They live here so
 * that readers need not load the chaincode.
 */
import { sm3 } from '../crypto/sm3';
import type { Sm2PublicKey } from '../crypto/keys';

/**
 * A department's seal (电子印章) on a record: an SM2 signature (GB/T 32918, user ID
 * 1234567812345678) over the 32 bytes of an SM3 digest. For a business record the digest is
 * SM3 of the record's canonical JSON; for a document it is SM3 of the document's bytes. Signing
 * the digest, not the record, is what lets anyone check a seal from the digest, the signature and
 * the department's public key alone, e.g. with
 * `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678 -pubin -inkey key.pem -in digest.bin -sigfile seal.sig`.
 */
export interface Seal {
  /** The seal key's id: SM3 of its SubjectPublicKeyInfo DER, 64 lower-case hex characters. */
  readonly keyId: string;
  /** SM3 of what is sealed, 64 lower-case hex characters. */
  readonly digest: string;
  /** The DER SM2 signature over the digest's 32 bytes, base64. */
  readonly signature: string;
}

/** A seal as it is stored beside a record: who sealed it and when the ledger accepted it. */
export interface StoredSeal extends Seal {
  readonly department: string;
  /** The transaction's timestamp (RFC 3339, nine fraction digits): when the key had to be valid. */
  readonly sealedAt: string;
}

/**
 * A department's seal key as the ledger knows it: the public half only. Every change is a new
 * version of its record, so the key's history on the ledger is its whole story.
 */
export interface SealKey {
  readonly keyId: string;
  readonly department: string;
  /** SubjectPublicKeyInfo PEM of the SM2 public key. */
  readonly publicKey: string;
  /** Seals made from this time (inclusive) ... */
  readonly validFrom: string;
  /** ... until this time (exclusive) are valid, unless the key was retired or revoked before. */
  readonly validUntil: string;
  /** `active`: the department's current key; `retired`: replaced by rotation; `revoked`: withdrawn. */
  readonly status: 'active' | 'retired' | 'revoked';
  readonly registeredAt: string;
  /** The registering admin's Fabric identity (`x509::<subject>::<issuer>`). */
  readonly registeredBy: string;
  readonly retiredAt?: string;
  readonly supersededBy?: string;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
  readonly revokedBy?: string;
}

/**
 * Why a seal was refused, by a stable name that travels in the chaincode's error message as
 * `[seal:<check>]`.
 */
export type SealCheck =
  | 'malformed_seal'
  | 'digest_mismatch'
  | 'unknown_key'
  | 'other_department'
  | 'key_not_yet_valid'
  | 'key_expired'
  | 'key_retired'
  | 'key_revoked'
  | 'bad_signature';

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

/** A seal key's id: SM3 of its SubjectPublicKeyInfo DER, hex. Anyone can recompute it from the key. */
export function sealKeyId(publicKey: Sm2PublicKey): string {
  return sm3(publicKey.toDer()).toString('hex');
}
