/**
 * A department's seal key as the ledger knows it: the public half only. Its state key is
 * (`seal-key`, keyId), so a seal names its key and the check is one read; the department's
 * keys are listed through (`seal-key-by-department`, department, keyId), and its current key
 * through (`seal-key-current`, department). Each change is a new version of the key's record, so
 * `getHistoryForKey` is the key's whole story.
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
  /** The registering admin's identity (`x509::<subject>::<issuer>`, the shim's client id). */
  readonly registeredBy: string;
  readonly retiredAt?: string;
  readonly supersededBy?: string;
  readonly revokedAt?: string;
  readonly revocationReason?: string;
  readonly revokedBy?: string;
}

export const SEAL_KEY_OBJECT_TYPE = 'seal-key';
export const SEAL_KEY_BY_DEPARTMENT_OBJECT_TYPE = 'seal-key-by-department';
export const CURRENT_SEAL_KEY_OBJECT_TYPE = 'seal-key-current';

/**
 * Why a key cannot seal at `at`, and since when; undefined while it can. Retirement and
 * revocation end a key's validity from their time on only, so seals made before still verify.
 * A revocation is named before a retirement or an expiry: it is the one a reader must not miss.
 */
export function keyEndedAt(key: SealKey, at: string): { readonly check: 'key_expired' | 'key_retired' | 'key_revoked'; readonly since: string } | undefined {
  if (key.revokedAt !== undefined && at >= key.revokedAt) return { check: 'key_revoked', since: key.revokedAt };
  if (key.retiredAt !== undefined && at >= key.retiredAt) return { check: 'key_retired', since: key.retiredAt };
  if (at >= key.validUntil) return { check: 'key_expired', since: key.validUntil };
  return undefined;
}
